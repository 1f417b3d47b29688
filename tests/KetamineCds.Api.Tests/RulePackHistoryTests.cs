using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// A CDS committee's view of rule changes on a running service: a rule changed without a new version is refused, a
/// versioned change goes live with its impact, and the history says which pack was live when and what made it live.
/// Reloads here come from the admin API only (no file watcher), so each swap's trigger is known.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RulePackHistoryTests : IDisposable
{
    private readonly RulePackCopy _rules = new();
    private readonly ConfiguredApplication _app;
    private readonly HttpClient _client;

    public RulePackHistoryTests()
    {
        _app = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Rules:Path"] = _rules.Folder,
            ["Rules:ReloadOnChange"] = "false",
        });
        _client = _app.CreateClient();
    }

    [Fact]
    public async Task GivenThresholdMovedWithoutNewVersion_WhenReloaded_ThenRefusedNamingTheRule_AndWithOneTheSwapAndItsImpactAreInTheHistory()
    {
        var started = await StatusAsync();
        var startHash = started.GetProperty("live").GetProperty("contentHash").GetString();
        // The crisis tier moved from 180 to 170, with the boundary case updated to match: only the version is wrong.
        _rules.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 170");
        _rules.EditAfter("tests/blood-pressure.yaml", "179/109: warning, not critical",
            "- { rule: KET-13-WARN, indicator: warning }\n    expectNone: [KET-13-CRIT, KET-13-INFO]",
            "- { rule: KET-13-CRIT, indicator: critical }\n    expectNone: [KET-13-WARN, KET-13-INFO]");

        using (var refused = await _client.PostAsync("/admin/rules/reload", JsonContent.Create(new { })))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var error = Assert.Single(JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray());
            var liveVersion = started.GetProperty("live").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "KET-13-CRIT").GetProperty("version").GetString();
            Assert.Equal($"KET-13-CRIT changed since it went live at {liveVersion}; give it a new version and lastReviewed", error.GetProperty("message").GetString());
            Assert.Equal("KET-13-CRIT", error.GetProperty("ruleId").GetString());
        }

        Assert.Equal(startHash, (await StatusAsync()).GetProperty("live").GetProperty("contentHash").GetString());

        var version = _rules.BumpRuleVersion("rulesets/contraindications.yaml", "KET-13-CRIT");
        using (var accepted = await _client.PostAsync("/admin/rules/reload", JsonContent.Create(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            var attempt = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement;
            var impact = Assert.Single(attempt.GetProperty("impactByRule").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "KET-13-CRIT");
            Assert.Equal(1, impact.GetProperty("gained").GetInt32());
            Assert.Equal(0, impact.GetProperty("lost").GetInt32());
        }

        var live = (await StatusAsync()).GetProperty("live");
        var newHash = live.GetProperty("contentHash").GetString();
        Assert.Equal(version, live.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "KET-13-CRIT").GetProperty("version").GetString());

        // The history is written off the reload path: both swaps arrive within a clinician's seconds.
        JsonElement history = default;
        await Eventually.UntilAsync(async () =>
        {
            history = JsonDocument.Parse(await _client.GetStringAsync("/admin/rules/history")).RootElement.Clone();
            return history.GetArrayLength() == 2;
        }, "both swaps in the history");
        var (reload, startUp) = (history[0], history[1]);
        Assert.Equal("start-up", startUp.GetProperty("madeBy").GetString());
        Assert.Equal(startHash, startUp.GetProperty("newHash").GetString());
        Assert.Equal("admin request", reload.GetProperty("madeBy").GetString());
        Assert.Equal(startHash, reload.GetProperty("oldHash").GetString());
        Assert.Equal(newHash, reload.GetProperty("newHash").GetString());
        Assert.Contains("KET-13-CRIT +1 −0", reload.GetProperty("impact").GetString(), StringComparison.Ordinal);
        string RuleVersion(JsonElement entry) => entry.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "KET-13-CRIT").GetProperty("version").GetString()!;
        Assert.NotEqual(version, RuleVersion(startUp));
        Assert.Equal(version, RuleVersion(reload));

        // Which pack was live when: at the start-up time, the start-up pack; now, the reloaded one.
        var at = JsonDocument.Parse(await _client.GetStringAsync($"/admin/rules/at?time={Uri.EscapeDataString(startUp.GetProperty("at").GetString()!)}")).RootElement;
        Assert.Equal(startHash, Assert.Single(at.EnumerateArray()).GetProperty("entry").GetProperty("newHash").GetString());
    }

    [Fact]
    public async Task GivenARuleEditedWhileTheServiceWasDown_WhenItStartsAgain_ThenItServesAndTheHistoryNamesTheUnversionedRule()
    {
        var database = $"Data Source={_app.DatabasePath}";
        await Eventually.UntilAsync(async () => JsonDocument.Parse(await _client.GetStringAsync("/admin/rules/history")).RootElement.GetArrayLength() == 1,
            "the first start-up in the history");
        _rules.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 185");

        // Refusing to start would leave the EHR with no advice at all: the restart serves, and the history says what is wrong.
        using var restarted = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Rules:Path"] = _rules.Folder,
            ["Rules:ReloadOnChange"] = "false",
            ["Rules:RunTests"] = "false",
            ["Store:ConnectionString"] = database,
        });
        using var client = restarted.CreateClient();
        JsonElement history = default;
        await Eventually.UntilAsync(async () =>
        {
            history = JsonDocument.Parse(await client.GetStringAsync("/admin/rules/history")).RootElement.Clone();
            return history.GetArrayLength() == 2;
        }, "the restart in the history");
        Assert.Equal("start-up", history[0].GetProperty("madeBy").GetString());
        Assert.Equal(history[1].GetProperty("newHash").GetString(), history[0].GetProperty("oldHash").GetString());
        Assert.Matches(@"^changed without a new version since the last recorded pack: KET-13-CRIT@\d+\.\d+\.\d+$", history[0].GetProperty("impact").GetString());
    }

    private async Task<JsonElement> StatusAsync() =>
        JsonDocument.Parse(await _client.GetStringAsync("/admin/rules")).RootElement.Clone();


    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        _rules.Dispose();
    }
}
