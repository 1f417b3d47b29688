using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>An admin edits the rule files of a running service: valid edits go live, broken ones never do.</summary>
[Trait("Category", "Integration")]
public sealed class RulePackReloadTests : IDisposable
{
    private readonly RulePackCopy _rules = new();
    private readonly ConfiguredApplication _app;
    private readonly HttpClient _client;

    public RulePackReloadTests()
    {
        _app = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Rules:Path"] = _rules.Folder,
            ["Rules:ReloadDebounceMilliseconds"] = "200",
            // The in-flight test sends as fast as it can; the per-issuer rate limit is not under test here.
            ["Http:RequestsPerSecondPerIssuer"] = "100000",
            ["Http:BurstPerIssuer"] = "100000",
        });
        _client = _app.CreateClient();
    }

    [Fact]
    public async Task GivenValidEdit_WhenSaved_ThenNewPackAnswersWithoutRestart()
    {
        Assert.Equal(Repository.ShippedPackVersion, await LiveVersionAsync());

        _rules.SetPackVersion("1.0.1");
        _rules.BumpRuleVersion("rulesets/contraindications.yaml", "KET-08");
        _rules.Edit("rulesets/contraindications.yaml", text => text.Replace(
            "History of a primary psychotic disorder: ketamine can worsen psychosis and is usually avoided", "Psychotic disorder on record: avoid ketamine", StringComparison.Ordinal));

        await Eventually.UntilAsync(async () => await LiveVersionAsync() == "1.0.1", "the edit going live");
        var (status, body, _) = await HttpJson.PostAsync(_client, HttpJson.Example("order-sign-schizophrenia.json"));
        Assert.Equal(HttpStatusCode.OK, status);
        var card = body.GetProperty("cards").EnumerateArray().First(c => c.GetProperty("indicator").GetString() == "critical");
        Assert.Equal("Psychotic disorder on record: avoid ketamine", card.GetProperty("summary").GetString());
        Assert.Equal("ketamine-trd@1.0.1", card.GetProperty("extension").GetProperty("org.ketaminecds.pack").GetString());

        var attempt = (await StatusAsync()).GetProperty("lastReload");
        Assert.Equal("Swapped", attempt.GetProperty("outcome").GetString());
        Assert.Equal("file change", attempt.GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task GivenEditWithErrors_WhenSaved_ThenOldPackKeepsServingAndStatusListsEveryError()
    {
        _rules.SetPackVersion("1.0.1");
        _rules.Edit("rulesets/contraindications.yaml", text => text.Replace(
            "{ fact: condition, valueSet: psychotic-disorders, status: ever }", "{ fact: condition, valueSet: psychotic-disorderz, status: ever }", StringComparison.Ordinal));

        await Eventually.UntilAsync(async () => (await StatusAsync()).TryGetProperty("lastReload", out var last) && last.ValueKind == JsonValueKind.Object, "a reload attempt");
        var status = await StatusAsync();
        Assert.Equal(Repository.ShippedPackVersion, status.GetProperty("live").GetProperty("version").GetString());
        var attempt = status.GetProperty("lastReload");
        Assert.Equal("Rejected", attempt.GetProperty("outcome").GetString());
        var error = Assert.Single(attempt.GetProperty("errors").EnumerateArray());
        Assert.Equal("rulesets/contraindications.yaml", error.GetProperty("file").GetString());
        Assert.Equal("KET-08", error.GetProperty("ruleId").GetString());
        Assert.Equal(11, error.GetProperty("line").GetInt32());
        Assert.Contains("psychotic-disorderz", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The old pack still finds the contraindication the broken edit would have lost.
        var (code, body, _) = await HttpJson.PostAsync(_client, HttpJson.Example("order-sign-schizophrenia.json"));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-08"));
    }

    [Fact]
    public async Task GivenEditThatBreaksAPackTest_WhenReloaded_ThenRejectedNamingTheTestCase()
    {
        _rules.SetPackVersion("1.0.1");
        // A threshold edit that the pack's own boundary tests catch: systolic crisis at 190 instead of 180.
        _rules.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 190");

        using var response = await _client.PostAsync("/admin/rules/reload", JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var attempt = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Rejected", attempt.GetProperty("outcome").GetString());
        Assert.Contains(attempt.GetProperty("errors").EnumerateArray(), e =>
            e.GetProperty("file").GetString()!.StartsWith("tests/", StringComparison.Ordinal)
            && e.GetProperty("message").GetString()!.Contains("KET-13-CRIT", StringComparison.Ordinal));
        Assert.Equal(Repository.ShippedPackVersion, await LiveVersionAsync());
    }

    [Fact]
    public async Task GivenBurstOfEdits_WhenTheySettle_ThenTheLastValidEditIsLive()
    {
        _rules.SetPackVersion("1.0.1");
        _rules.Edit("rulesets/contraindications.yaml", text => text.Replace("valueSet: psychotic-disorders,", "valueSet: psychotic-disorderz,", StringComparison.Ordinal));
        _rules.SetPackVersion("1.0.2");
        _rules.Edit("rulesets/contraindications.yaml", text => text.Replace("valueSet: psychotic-disorderz,", "valueSet: psychotic-disorders,", StringComparison.Ordinal));
        _rules.SetPackVersion("1.0.3");
        _rules.SetPackVersion("1.0.4");

        await Eventually.UntilAsync(async () => await LiveVersionAsync() == "1.0.4", "the burst settling");
        Assert.Equal("Swapped", (await StatusAsync()).GetProperty("lastReload").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task GivenRequestsInFlight_WhenPackSwapsRepeatedly_ThenEveryRequestSucceedsOnOneWholePack()
    {
        using var stop = new CancellationTokenSource();
        var request = HttpJson.Example("order-sign-schizophrenia.json");
        var callers = Callers(4, request, stop.Token);

        foreach (var version in new[] { "1.0.1", "1.0.2", "1.0.3" })
        {
            _rules.SetPackVersion(version);
            using var response = await _client.PostAsync("/admin/rules/reload", JsonContent.Create(new { }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await stop.CancelAsync();
        var all = (await Task.WhenAll(callers)).SelectMany(a => a).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, answer =>
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("critical", HttpJson.Indicator(answer.Body, "KET-08"));
            // Every card of one answer names the same pack version: no answer mixes two packs.
            var packs = answer.Body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("extension").GetProperty("org.ketaminecds.pack").GetString()).Distinct();
            Assert.Single(packs);
        });
        Assert.Equal("1.0.3", await LiveVersionAsync());
    }

    [Fact]
    public async Task GivenCallsRunningFlatOut_WhenAnEditIsSaved_ThenItGoesLiveWhileTheyRunAndNoAnswerMixesPacks()
    {
        using var stop = new CancellationTokenSource();
        var request = HttpJson.Example("order-sign-schizophrenia.json");
        // More callers than cores, sending as fast as the service answers: the thread pool is kept busy throughout.
        var callers = Callers(3 * Environment.ProcessorCount, request, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        _rules.SetPackVersion("2.0.0");
        // The callers keep going until the swap is seen: it happens under their load, not after it.
        await Eventually.UntilAsync(async () => await LiveVersionAsync() == "2.0.0", "the edit going live under load");
        Assert.All(callers, c => Assert.False(c.IsCompleted));
        await stop.CancelAsync();

        var all = (await Task.WhenAll(callers)).SelectMany(a => a).ToList();
        Assert.All(all, answer =>
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Single(answer.Body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("extension").GetProperty("org.ketaminecds.pack").GetString()).Distinct());
        });
        var packs = all.Select(a => a.Body.GetProperty("cards")[0].GetProperty("extension").GetProperty("org.ketaminecds.pack").GetString()).ToHashSet();
        Assert.Contains($"ketamine-trd@{Repository.ShippedPackVersion}", packs);
        Assert.Contains("ketamine-trd@2.0.0", packs); // answers came from both packs, each whole
        Assert.Equal("file change", (await StatusAsync()).GetProperty("lastReload").GetProperty("trigger").GetString());
    }

    // Each caller sends the request again as soon as it is answered, until stopped; returns every answer it got.
    private List<Task<List<(HttpStatusCode Status, JsonElement Body)>>> Callers(int count, System.Text.Json.Nodes.JsonNode request, CancellationToken stop) =>
        Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            var answers = new List<(HttpStatusCode Status, JsonElement Body)>();
            while (!stop.IsCancellationRequested)
            {
                var (status, body, _) = await HttpJson.PostAsync(_client, request);
                answers.Add((status, body));
            }

            return answers;
        })).ToList();

    private async Task<JsonElement> StatusAsync() =>
        JsonDocument.Parse(await _client.GetStringAsync("/admin/rules")).RootElement.Clone();

    private async Task<string?> LiveVersionAsync() =>
        (await StatusAsync()).GetProperty("live").GetProperty("version").GetString();


    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        _rules.Dispose();
    }
}
