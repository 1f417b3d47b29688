using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace KetamineCds.Api.Tests;

/// <summary>The bundled example requests (used by the README) give the documented cards, exact to the card rules.</summary>
[Trait("Category", "Integration")]
public sealed class ExampleRequestTests(KetamineCdsApplication app) : IClassFixture<KetamineCdsApplication>
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repository.Examples, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task GivenExampleRequest_WhenPosted_Then200WithSpecValidCards(string example)
    {
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), HttpJson.Example(example));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(CardContract.Violations(body));
    }

    [Theory]
    [InlineData("order-sign-bp-crisis.json", "KET-13-CRIT")]
    [InlineData("order-sign-schizophrenia.json", "KET-08")]
    [InlineData("order-sign-pregnant.json", "KET-16")]
    [InlineData("order-sign-overdose.json", "KET-36-CRIT")]
    public async Task GivenContraindicatedPatient_WhenOrderSigned_ThenCriticalCardFirstWithDeleteSuggestion(string example, string rule)
    {
        var (_, body, _) = await HttpJson.PostAsync(app.CreateClient(), HttpJson.Example(example));

        var first = body.GetProperty("cards")[0];
        Assert.Equal(rule, HttpJson.Rules(body).First());
        Assert.Equal("critical", first.GetProperty("indicator").GetString());
        var action = first.GetProperty("suggestions")[0].GetProperty("actions")[0];
        Assert.Equal("delete", action.GetProperty("type").GetString());
        Assert.Equal("MedicationRequest/ket1", action.GetProperty("resourceId").GetString());
    }

    [Fact]
    public async Task GivenEligiblePatient_WhenOrderSelectedThenSigned_ThenOnlyTheFirstInfusionReminder()
    {
        // The card policy: every criterion met is nothing to decide, so the order cycle shows one card, the
        // first-infusion monitoring reminder, at order-select where its monitoring orders can join the order; order-sign
        // does not repeat it (it showed three before the policy).
        await using var fresh = new KetamineCdsApplication();
        var (_, selected, _) = await HttpJson.PostAsync(fresh.CreateClient(), HttpJson.Example("order-select-eligible.json"));
        await Eventually.UntilAsync(() => fresh.Services.GetRequiredService<CdsHooks.CardMemoryWriter>().Written >= 2, "order-select remembered");
        var (_, signed, _) = await HttpJson.PostAsync(fresh.CreateClient(), HttpJson.Example("order-sign-eligible.json"));

        Assert.Equal(["KET-38"], HttpJson.Rules(selected));
        var reminder = selected.GetProperty("cards")[0];
        Assert.Contains("someone else drives the patient home", reminder.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, reminder.GetProperty("suggestions").GetArrayLength()); // the monitoring orders, one action each
        Assert.Empty(signed.GetProperty("cards").EnumerateArray());
    }

    [Fact]
    public async Task GivenASiteThatCallsOnlyOrderSign_WhenTheEligiblePatientsOrderIsSigned_ThenTheReminderIsShownThere()
    {
        await using var fresh = new KetamineCdsApplication();

        var (_, signed, _) = await HttpJson.PostAsync(fresh.CreateClient(), HttpJson.Example("order-sign-eligible.json"));

        Assert.Equal(["KET-38"], HttpJson.Rules(signed)); // no order-select ran for the draft: order-sign shows what it would have
    }

    [Fact]
    public async Task GivenNonKetamineOrder_WhenOrderSelected_ThenEmptyCards()
    {
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), HttpJson.Example("order-select-not-ketamine.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{\"cards\":[]}", body.GetRawText());
    }

    [Fact]
    public async Task GivenCandidate_WhenChartOpenedTwice_ThenOneInfoCardAndNotAgainWithin30Days()
    {
        await using var fresh = new KetamineCdsApplication();
        var (_, first, _) = await HttpJson.PostAsync(fresh.CreateClient(), HttpJson.Example("patient-view-candidate.json"));
        var writer = (CdsHooks.CardMemoryWriter)fresh.Services.GetService(typeof(CdsHooks.CardMemoryWriter))!;
        await Eventually.ValueAsync(() => Task.FromResult(writer.Written), n => n >= 1); // remembered off the request path
        var (_, again, _) = await HttpJson.PostAsync(fresh.CreateClient(), HttpJson.Example("patient-view-candidate.json"));

        Assert.Equal(["KET-PV"], HttpJson.Rules(first));
        Assert.Equal("info", HttpJson.Indicator(first, "KET-PV"));
        Assert.Empty(again.GetProperty("cards").EnumerateArray()); // the card policy: once per patient per 30 days, unless the data change
    }
}
