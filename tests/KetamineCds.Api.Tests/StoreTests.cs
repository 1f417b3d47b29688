using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using KetamineCds.Api.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Tests;

/// <summary>The feedback and audit store, exercised through the service, on SQLite and on a real PostgreSQL server.</summary>
[Trait("Category", "Integration")]
public abstract class StoreTests
{
    protected abstract Task<string> ConnectionStringAsync();

    private async Task<ConfiguredApplication> AppAsync() => new(new Dictionary<string, string?>
    {
        ["Store:ConnectionString"] = await ConnectionStringAsync(),
        ["Store:RetrySeconds"] = "1",
    });

    protected static async Task<long> CountAsync(ICdsStore store, string table)
    {
        try
        {
            var statistics = await store.RuleStatisticsAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);
            return table == "cards" ? statistics.Sum(s => s.Issued) : statistics.Sum(s => s.Accepted + s.Overridden);
        }
        catch (StoreUnavailableException)
        {
            return -1; // not reachable yet
        }
    }

    protected static async Task<(HttpStatusCode Status, JsonElement Body)> Feedback(HttpClient client, string card, string outcome, string? reason = null, string? suggestion = null)
    {
        var (status, body, _) = await HttpJson.PostAsync(client, "ketamine-order-sign/feedback", HttpJson.Feedback(card, outcome, reason, suggestion));
        return (status, body);
    }

    [Fact]
    public async Task GivenEmptyDatabase_WhenMigratedTwice_ThenSchemaIsThereAndSecondRunChangesNothing()
    {
        var store = new SqlCdsStore(Options.Create(new StoreOptions { ConnectionString = await ConnectionStringAsync() }), TimeProvider.System);

        store.Migrate();
        store.Migrate();

        Assert.Empty(await store.RuleStatisticsAsync(DateTimeOffset.UnixEpoch, CancellationToken.None));
        Assert.True(await store.TryRecordJtiAsync("iss\njti-1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None));
        Assert.False(await store.TryRecordJtiAsync("iss\njti-1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None));
        Assert.Equal(0, await store.PurgeAsync(DateTimeOffset.UnixEpoch, CancellationToken.None));
    }

    [Fact]
    public async Task GivenHookCallsAndMixedFeedback_WhenStatisticsAsked_ThenIssuedAcceptedOverriddenAndTopReasons()
    {
        await using var app = await AppAsync();
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ICdsStore>();

        var criticalCards = new List<(string Card, string Suggestion)>();
        for (var i = 0; i < 4; i++)
        {
            var (_, body, _) = await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"));
            var card = body.GetProperty("cards")[0];
            criticalCards.Add((card.GetProperty("uuid").GetString()!, card.GetProperty("suggestions")[0].GetProperty("uuid").GetString()!));
        }

        // 12 cards (3 per call) are audited off the request path; wait for the writer.
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 12);

        Assert.Equal(HttpStatusCode.OK, (await Feedback(client, criticalCards[0].Card, "accepted", suggestion: criticalCards[0].Suggestion)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Feedback(client, criticalCards[1].Card, "overridden", reason: "risk-benefit-ratio")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Feedback(client, criticalCards[2].Card, "overridden", reason: "risk-benefit-ratio")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Feedback(client, criticalCards[3].Card, "overridden", reason: "expert-contradicts")).Status);
        var (unknownStatus, unknownBody) = await Feedback(client, Guid.NewGuid().ToString(), "overridden");

        var statistics = JsonDocument.Parse(await client.GetStringAsync("/admin/statistics?since=30d")).RootElement.EnumerateArray().ToList();
        var bp = statistics.Single(s => s.GetProperty("ruleId").GetString() == "KET-13-CRIT");
        Assert.Equal(4, bp.GetProperty("issued").GetInt32());
        Assert.Equal(1, bp.GetProperty("accepted").GetInt32());
        Assert.Equal(3, bp.GetProperty("overridden").GetInt32());
        Assert.Equal(0.75, bp.GetProperty("overrideRate").GetDouble());
        var top = bp.GetProperty("topOverrideReasons")[0];
        Assert.Equal("risk-benefit-ratio", top.GetProperty("code").GetString());
        Assert.Equal(2, top.GetProperty("count").GetInt32());
        Assert.Equal(4, statistics.Single(s => s.GetProperty("ruleId").GetString() == "KET-38").GetProperty("issued").GetInt32());
        Assert.Equal(HttpStatusCode.OK, unknownStatus); // accepted, but flagged
        Assert.Single(unknownBody.GetProperty("unknownCards").EnumerateArray());
    }

    [Fact]
    public async Task GivenOverrideReasonWithCodeAndSystemOnly_WhenStatisticsAsked_ThenItsDisplayIsTheOneTheCardOffered()
    {
        await using var app = await AppAsync();
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ICdsStore>();
        var (_, answer, _) = await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"));
        var card = answer.GetProperty("cards")[0];
        var offered = card.GetProperty("overrideReasons")[0];
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 1);

        // As the CDS Hooks Sandbox sends it: the reason's code and system, no display.
        var feedback = new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = card.GetProperty("uuid").GetString(),
                ["outcome"] = "overridden",
                ["outcomeTimestamp"] = "2026-11-26T10:05:00Z",
                ["overrideReason"] = new JsonObject
                {
                    ["reason"] = new JsonObject { ["code"] = offered.GetProperty("code").GetString(), ["system"] = offered.GetProperty("system").GetString() },
                },
            }),
        };
        var (status, _, _) = await HttpJson.PostAsync(client, "ketamine-order-sign/feedback", feedback.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var statistics = JsonDocument.Parse(await client.GetStringAsync("/admin/statistics?since=30d")).RootElement.EnumerateArray();
        var reason = statistics.Single(s => s.GetProperty("ruleId").GetString() == "KET-13-CRIT").GetProperty("topOverrideReasons")[0];
        Assert.Equal(offered.GetProperty("display").GetString(), reason.GetProperty("display").GetString());
    }

    [Fact]
    public async Task GivenEpicStyleFeedbackWithOverrideReasons_WhenStatisticsAsked_ThenItsReasonsAreCountedWithTheirDisplay()
    {
        await using var app = await AppAsync();
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ICdsStore>();
        var cards = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (_, answer, _) = await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"));
            cards.Add(answer.GetProperty("cards")[0].GetProperty("uuid").GetString()!);
        }

        // 3 cards per call, audited off the request path: wait for both calls' cards.
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 6);

        // As Epic's CDS Hooks tutorial shows them: overrideReasons (plural, one object) with a coded reason sent back
        // from the card, and, for a reason built in Epic, extension fields instead of a coding; Epic extras ignored.
        var feedback = JsonNode.Parse($$$"""
            {"feedback": [
              {"card": "{{{cards[0]}}}", "outcome": "overridden", "outcomeTimestamp": "2026-11-26T10:05:00Z",
               "overrideReasons": {"reason": {"code": "risk-benefit-ratio", "system": "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"},
                                   "userComment": "User Entered Free Text"},
               "extension": {"com.epic.cdshooks.feedback.example": "ignored"}},
              {"card": "{{{cards[1]}}}", "outcome": "overridden", "outcomeTimestamp": "2026-11-26T10:06:00Z",
               "overrideReasons": {"extension": {"com.epic.cdshooks.feedback.overrideReason.reasonCategory": "45",
                                                 "com.epic.cdshooks.feedback.overrideReason.reasonDisplay": "Does not meet criteria",
                                                 "com.epic.cdshooks.feedback.overrideReason.reasonTitle": "Does not meet criteria"},
                                   "userComment": "User Entered Free Text"}}
            ]}
            """)!;
        var (status, _, _) = await HttpJson.PostAsync(client, "ketamine-order-sign/feedback", feedback.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var statistics = JsonDocument.Parse(await client.GetStringAsync("/admin/statistics?since=30d")).RootElement.EnumerateArray();
        var bp = statistics.Single(s => s.GetProperty("ruleId").GetString() == "KET-13-CRIT");
        Assert.Equal(2, bp.GetProperty("overridden").GetInt32());
        var reasons = bp.GetProperty("topOverrideReasons").EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!, r => r.GetProperty("display").GetString());
        Assert.Equal("Recipient assessment of risk/benefit ratio", reasons["risk-benefit-ratio"]); // the card's own words for the code sent back
        Assert.Equal("Does not meet criteria", reasons["45"]);
    }

    [Fact]
    public async Task GivenSeveralOverrideReasonsOnOneItem_WhenStored_ThenTheFirstIsCountedAndAllAreKept()
    {
        var connectionString = await ConnectionStringAsync();
        await using var app = new ConfiguredApplication(new Dictionary<string, string?> { ["Store:ConnectionString"] = connectionString });
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ICdsStore>();
        var (_, answer, _) = await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"));
        var card = answer.GetProperty("cards")[0].GetProperty("uuid").GetString()!;
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 3);

        var feedback = $$$"""
            {"feedback": [{"card": "{{{card}}}", "outcome": "overridden", "outcomeTimestamp": "2026-11-26T10:05:00Z",
              "overrideReasons": [
                {"reason": {"code": "expert-contradicts", "system": "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"}},
                {"reason": {"code": "mitigate-risk-negative-outcome", "system": "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"}}]}]}
            """;
        var (status, _, _) = await HttpJson.PostAsync(client, "ketamine-order-sign/feedback", feedback);

        Assert.Equal(HttpStatusCode.OK, status);
        var statistics = JsonDocument.Parse(await client.GetStringAsync("/admin/statistics?since=30d")).RootElement.EnumerateArray();
        Assert.Equal("expert-contradicts", statistics.Single(s => s.GetProperty("ruleId").GetString() == "KET-13-CRIT")
            .GetProperty("topOverrideReasons").EnumerateArray().Single().GetProperty("code").GetString());
        await using var connection = Open(connectionString);
        var stored = await connection.ExecuteScalarAsync<string>("SELECT override_reasons FROM feedback");
        Assert.Contains("mitigate-risk-negative-outcome", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenInvalidFeedback_WhenPosted_Then400NamingTheField()
    {
        await using var app = await AppAsync();
        var client = app.CreateClient();

        var (acceptedWithoutSuggestions, body) = await Feedback(client, Guid.NewGuid().ToString(), "accepted");
        var (badOutcome, _) = await Feedback(client, Guid.NewGuid().ToString(), "ignored");

        Assert.Equal(HttpStatusCode.BadRequest, acceptedWithoutSuggestions);
        Assert.Contains("acceptedSuggestions", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badOutcome);
    }

    [Fact]
    public async Task GivenHookCall_WhenAudited_ThenTheInvocationRowHoldsKeyedHashesNotIds()
    {
        var connectionString = await ConnectionStringAsync();
        await using var app = new ConfiguredApplication(new Dictionary<string, string?> { ["Store:ConnectionString"] = connectionString });
        var store = app.Services.GetRequiredService<ICdsStore>();
        await HttpJson.PostAsync(app.CreateClient(), HttpJson.Example("order-sign-bp-crisis.json"));
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 3);

        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        var row = (await connection.QueryAsync<(string Hook, string ServiceId, string Pack, string PatientHash, string UserHash, int Status)>(
            "SELECT hook, service_id, pack, patient_hash, user_hash, status FROM audit_invocation")).Single();
        var hasher = app.Services.GetRequiredService<Audit.AuditHasher>();

        Assert.Equal(("order-sign", "ketamine-order-sign", $"ketamine-trd@{Repository.ShippedPackVersion}", 200), (row.Hook, row.ServiceId, row.Pack, row.Status));
        Assert.Equal(hasher.Hash("p1"), row.PatientHash);
        Assert.Equal(hasher.Hash("Practitioner/dr-1"), row.UserHash);
        Assert.DoesNotContain("p1", row.PatientHash, StringComparison.Ordinal);
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_card"));

        // Retention: records older than the cut-off are purged.
        Assert.True(await store.PurgeAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None) >= 4);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_invocation"));
    }

    [Fact]
    public async Task GivenConcurrentHookCalls_WhenAllAnswered_ThenTheAuditHoldsOneRowPerCallAndItsCards()
    {
        var connectionString = await ConnectionStringAsync();
        await using var app = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Store:ConnectionString"] = connectionString,
            ["Store:AuditBatchSize"] = "50", // many batches, so consecutive writes are exercised too
            ["Http:RequestsPerSecondPerIssuer"] = "100000", // all 400 come from one caller at once
            ["Http:BurstPerIssuer"] = "100000",
        });
        var client = app.CreateClient();
        var buffer = app.Services.GetRequiredService<Audit.AuditBuffer>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"))));
        await Eventually.ValueAsync(() => Task.FromResult(buffer.Written), n => n >= 400);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var cardsPerCall = answers[0].Body.GetProperty("cards").GetArrayLength();
        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        Assert.Equal(400, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_invocation"));
        Assert.Equal(400 * cardsPerCall, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_card WHERE suppressed = 0"));
        // What the card policy kept back is audited beside it: the eligibility summary, never shown at order-sign.
        Assert.Equal(400, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_card WHERE suppressed = 1 AND rule_id = 'KET-00-SUMMARY'"));
        var returnedUuids = answers.SelectMany(a => a.Body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("uuid").GetString())).ToHashSet();
        var storedUuids = (await connection.QueryAsync<string>("SELECT card_uuid FROM audit_card WHERE suppressed = 0")).ToHashSet();
        Assert.True(returnedUuids.SetEquals(storedUuids), "every card the EHR received is in the audit trail, and nothing else");
        Assert.Equal(0, buffer.Dropped);
    }

    [Fact]
    public async Task GivenBatchAlreadyPartlyStored_WhenWrittenAgain_ThenNoCallOrCardIsStoredTwice()
    {
        // The writer keeps a batch whose commit it could not confirm and writes it again: the trail must not double.
        var connectionString = await ConnectionStringAsync();
        var store = new SqlCdsStore(Options.Create(new StoreOptions { ConnectionString = connectionString }), TimeProvider.System);
        store.Migrate();
        var batch = Enumerable.Range(0, 1_500).Select(i => AuditRecordFor(i)).ToList();

        await store.SaveAuditAsync(batch[..1_000], CancellationToken.None);
        await store.SaveAuditAsync(batch, CancellationToken.None);
        await store.SaveAuditAsync(batch, CancellationToken.None);

        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        Assert.Equal(1_500, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_invocation"));
        Assert.Equal(4_500, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_card"));
        Assert.Equal(1_500, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_card WHERE indicator = 'critical'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_invocation WHERE issuer IS NULL AND user_hash IS NULL"));
    }

    private static AuditRecord AuditRecordFor(int i) => new(
        Core.TimeOrderedId.New(), DateTimeOffset.UtcNow.AddSeconds(-i), "ketamine-order-sign", "order-sign", Guid.NewGuid().ToString(),
        i == 7 ? null : "https://ehr.example.org", "ketamine-trd@1.0.0", $"hash-{i % 40}", i == 7 ? null : "user-hash", 200, 2.5,
        [new(Core.TimeOrderedId.New(), "KET-13-CRIT", "1.0.0", "critical"), new(Core.TimeOrderedId.New(), "KET-15-WARN", "1.0.0", "warning"),
         new(Core.TimeOrderedId.New(), null, null, "info")]);

    private static System.Data.Common.DbConnection Open(string connectionString) =>
        connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            ? new Npgsql.NpgsqlConnection(connectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
}

[Trait("Category", "Integration")]

public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<string> ConnectionStringAsync() =>
        Task.FromResult($"Data Source={Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"store-{Guid.NewGuid():N}.db")}");
}

[Trait("Category", "Integration")]

public sealed class PostgresStoreTests(PostgresServer postgres) : StoreTests, IClassFixture<PostgresServer>
{
    protected override Task<string> ConnectionStringAsync() => postgres.CreateDatabaseAsync();

    [Fact]
    public async Task GivenStoreStopsMidRun_WhenHooksAndFeedbackArrive_ThenHooksAnswerFeedback503AndNoAuditRecordIsLost()
    {
        Assert.True(postgres.CanStopAndStart, "the fault test needs the throwaway cluster");
        var connection = await postgres.CreateDatabaseAsync();
        var sink = new CapturingLogSink();
        await using var app = new LoggedApplication(new Dictionary<string, string?> { ["Store:ConnectionString"] = connection, ["Store:RetrySeconds"] = "1" }, sink);
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ICdsStore>();
        await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"));
        await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 2);
        Assert.Equal("Healthy", await ReadinessAsync(client));

        await postgres.StopAsync();
        try
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                statuses.Add((await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"))).Status);
            }

            var (feedbackStatus, _) = await Feedback(client, Guid.NewGuid().ToString(), "overridden", reason: "risk-benefit-ratio");

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, feedbackStatus);
            // Readiness says Degraded (200: the replica still advises) and why.
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Degraded", health.GetProperty("status").GetString());
            Assert.Contains("card memory read failing", health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "store")
                .GetProperty("description").GetString(), StringComparison.Ordinal);
            // One line per failing operation for the outage, not one per call: 20 calls, each reading the card memory.
            Assert.Single(sink.Lines, l => l.StartsWith("Store \"card memory read\" failing", StringComparison.Ordinal));
        }
        finally
        {
            await postgres.StartAsync();
        }

        // The 20 calls made while the store was down (2 cards shown each: the crisis card and the first-infusion
        // reminder) arrive once it is back. With no memory to read, the policy showed them as if new.
        var cards = await Eventually.ValueAsync(() => CountAsync(store, "cards"), n => n >= 42);
        Assert.Equal(42, cards);
        // The audit writer's first successful write clears every failing write and the reads with them: Healthy, with a
        // closing line, without waiting for the next call.
        await Eventually.UntilAsync(async () => await ReadinessAsync(client) == "Healthy", "readiness Healthy again");
        Assert.Contains(sink.Lines, l => l.StartsWith("Store \"audit write\" recovered", StringComparison.Ordinal));
    }

    private static async Task<string?> ReadinessAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement.GetProperty("status").GetString();
}
