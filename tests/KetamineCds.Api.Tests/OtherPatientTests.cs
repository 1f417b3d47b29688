using System.Net;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Identity guard (CDS Hooks 2.0 §Prefetch: a prefetch value is the query's answer for context.patientId): a record
/// about another patient, from an EHR cache keyed wrongly or a merge, never becomes a card about this one.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OtherPatientTests(KetamineCdsApplication app) : IClassFixture<KetamineCdsApplication>
{
    private static JsonNode Entry(JsonNode request, string key, string id) =>
        request["prefetch"]![key]!["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["id"] == id);

    [Theory]
    [InlineData("Patient/someone-else")]
    [InlineData("https://ehr.example.org/fhir/Patient/someone-else")]
    [InlineData("Patient/someone-else/_history/2")]
    public async Task GivenTheCrisisReadingAboutAnotherPatient_WhenSigned_ThenNoCardRestsOnItAndACardSaysSo(string subject)
    {
        var request = HttpJson.Example("order-sign-bp-crisis.json");
        Entry(request, "observations", "o-bp")["subject"] = new JsonObject { ["reference"] = subject };

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        var cards = body.GetProperty("cards").EnumerateArray().ToList();
        Assert.DoesNotContain(cards, c => c.GetProperty("summary").GetString()!.Contains("186/112", StringComparison.Ordinal));
        var notice = Assert.Single(cards, c => c.GetProperty("summary").GetString()!.Contains("about another patient", StringComparison.Ordinal));
        Assert.Equal("warning", notice.GetProperty("indicator").GetString());
        Assert.Contains("Observation/o-bp", notice.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("someone-else", body.ToString(), StringComparison.Ordinal); // the other patient's id is never shown
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenTheSameReadingAboutThisPatient_WhenSigned_ThenItsCriticalCard()
    {
        var request = HttpJson.Example("order-sign-bp-crisis.json");
        Entry(request, "observations", "o-bp")["subject"] = new JsonObject { ["reference"] = "Patient/p1" };

        var (_, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
        Assert.DoesNotContain(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("another patient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAPrefetchPatientWhoIsSomeoneElse_WhenSigned_Then412NamingTheKey()
    {
        var request = HttpJson.Example("order-sign-bp-crisis.json");
        request["prefetch"]!["patient"]!["id"] = "someone-else";

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("patient", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }
}
