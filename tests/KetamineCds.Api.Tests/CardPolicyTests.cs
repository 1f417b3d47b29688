using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The card policy across hooks and replicas: two hosts behind one load balancer share its memory in PostgreSQL, so
/// order-sign on one does not repeat what order-select on the other showed, and an override sent to one is honoured by
/// the other. The statistics show what was shown, kept back, accepted and overridden, and flag a rule for review.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CardPolicyTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static ConfiguredApplication Host(string connection) => new(new Dictionary<string, string?>
    {
        ["Store:ConnectionString"] = connection,
        ["Http:RequestsPerSecondPerIssuer"] = "100000",
        ["Http:BurstPerIssuer"] = "100000",
    });

    /// <summary>Until a host's card memory holds what it has shown (written off the request path within milliseconds).</summary>
    private static Task RememberedAsync(ConfiguredApplication host, long rows) =>
        Eventually.ValueAsync(() => Task.FromResult(((CdsHooks.CardMemoryWriter)host.Services.GetService(typeof(CdsHooks.CardMemoryWriter))!).Written), n => n >= rows);

    /// <summary>The eligible patient, also taking lorazepam: a benzodiazepine interaction warning (KET-29) fires at both hooks.</summary>
    private static JsonNode WithLorazepam(string example)
    {
        var request = HttpJson.Example(example);
        request["prefetch"]!["medicationRequests"]!["entry"]!.AsArray().Add(JsonNode.Parse("""
            {"resource": {"resourceType": "MedicationRequest", "id": "m-lorazepam", "status": "active", "intent": "order",
              "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-10-01",
              "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6470", "display": "lorazepam"}]}}}
            """));
        return request;
    }

    /// <summary>An order-sign example as order-select of the same draft.</summary>
    private static JsonNode AsOrderSelect(JsonNode request)
    {
        request["hook"] = "order-select";
        request["hookInstance"] = Guid.NewGuid().ToString();
        request["context"]!["selections"] = new JsonArray("MedicationRequest/ket1");
        return request;
    }

    [Fact]
    public async Task GivenTwoHostsOnOnePostgres_WhenOrderSelectIsOnOneAndOrderSignOnTheOther_ThenTheWarningIsNotRepeated()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = Host(database);
        await using var second = Host(database);

        var (_, selected, _) = await HttpJson.PostAsync(first.CreateClient(), WithLorazepam("order-select-eligible.json"));
        await RememberedAsync(first, selected.GetProperty("cards").GetArrayLength());
        var (_, signed, _) = await HttpJson.PostAsync(second.CreateClient(), WithLorazepam("order-sign-eligible.json"));
        // A third host-less contrast: another clinician signing the same draft is shown the warning.
        var other = WithLorazepam("order-sign-eligible.json");
        other["context"]!["userId"] = "Practitioner/dr-2";
        var (_, otherSigned, _) = await HttpJson.PostAsync(second.CreateClient(), other);

        Assert.Contains("KET-29", HttpJson.Rules(selected));
        Assert.DoesNotContain("KET-29", HttpJson.Rules(signed));
        Assert.Contains("KET-29", HttpJson.Rules(otherSigned));
    }

    [Fact]
    public async Task GivenAnOverrideWithAReasonSentToOneHost_WhenTheSameDraftIsSignedOnTheOther_ThenTheCriticalCardIsNotRepeated()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = Host(database);
        await using var second = Host(database);

        var (_, selected, _) = await HttpJson.PostAsync(first.CreateClient(), AsOrderSelect(HttpJson.Example("order-sign-bp-crisis.json")));
        await RememberedAsync(first, selected.GetProperty("cards").GetArrayLength());
        var crisis = selected.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("extension").GetProperty("org.ketaminecds.rule").GetString()!.StartsWith("KET-13-CRIT@", StringComparison.Ordinal));
        var (_, beforeOverride, _) = await HttpJson.PostAsync(second.CreateClient(), HttpJson.Example("order-sign-bp-crisis.json"));
        var (feedback, _, _) = await HttpJson.PostAsync(first.CreateClient(), "ketamine-order-select/feedback",
            HttpJson.Feedback(crisis.GetProperty("uuid").GetString()!, "overridden", reason: "risk-benefit-ratio"));
        var (_, afterOverride, _) = await HttpJson.PostAsync(second.CreateClient(), HttpJson.Example("order-sign-bp-crisis.json"));

        Assert.Contains("KET-13-CRIT", HttpJson.Rules(beforeOverride)); // the final check shows it until it is overridden
        Assert.Equal(HttpStatusCode.OK, feedback);
        Assert.DoesNotContain("KET-13-CRIT", HttpJson.Rules(afterOverride));
    }

    [Fact]
    public async Task GivenARuleOverriddenInEveryCall_WhenStatisticsAreAsked_ThenShownSuppressedAndOverriddenPerHookAndTheRuleIsFlagged()
    {
        await using var host = Host(await postgres.CreateDatabaseAsync());
        var client = host.CreateClient();
        // 20 drafts (the review threshold's minimum), each overridden with a reason: 100 % of the cards shown.
        var cards = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var request = HttpJson.Example("order-sign-bp-crisis.json");
            request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["id"] = $"ket-{i}";
            var (_, body, _) = await HttpJson.PostAsync(client, request);
            cards.Add(body.GetProperty("cards")[0].GetProperty("uuid").GetString()!);
        }

        var store = host.Services.GetService(typeof(Store.ICdsStore)) as Store.ICdsStore;
        await Eventually.ValueAsync(async () => (await store!.RuleStatisticsAsync(DateTimeOffset.UnixEpoch, CancellationToken.None)).Sum(s => s.Issued + s.Suppressed), n => n >= 60);
        foreach (var card in cards)
        {
            Assert.Equal(HttpStatusCode.OK, (await HttpJson.PostAsync(client, "ketamine-order-sign/feedback", HttpJson.Feedback(card, "overridden", reason: "expert-contradicts"))).Status);
        }

        var statistics = JsonDocument.Parse(await client.GetStringAsync("/admin/statistics?since=30d")).RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("ruleId").GetString()!);
        var crisis = statistics["KET-13-CRIT"];
        Assert.Equal(20, crisis.GetProperty("issued").GetInt32());
        Assert.Equal(20, crisis.GetProperty("overridden").GetInt32());
        Assert.Equal(0, crisis.GetProperty("ignored").GetInt32());
        var byHook = crisis.GetProperty("byHook").EnumerateArray().Single();
        Assert.Equal(("order-sign", 20, 20), (byHook.GetProperty("hook").GetString(), byHook.GetProperty("shown").GetInt32(), byHook.GetProperty("overridden").GetInt32()));
        Assert.StartsWith("overridden in 100", crisis.GetProperty("flag").GetString(), StringComparison.Ordinal);
        // The eligibility summary is never shown at order-sign: kept back every time, and counted.
        Assert.Equal(20, statistics["KET-00-SUMMARY"].GetProperty("suppressed").GetInt32());
        Assert.Equal(0, statistics["KET-00-SUMMARY"].GetProperty("issued").GetInt32());
        // The monitoring reminder is info, shown 20 times and never acted on: flagged too.
        Assert.StartsWith("info card shown 20 times", statistics["KET-38"].GetProperty("flag").GetString(), StringComparison.Ordinal);
    }
}
