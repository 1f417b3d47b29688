using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Two service processes on different ports sharing one real PostgreSQL store, as two Kubernetes replicas behind a
/// Service: feedback and statistics are shared, a JWT cannot be replayed across them, and SIGTERM loses nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicaProcessTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private const string AdminKey = "replica-test-admin-key";
    private readonly TrustedEhr _ehr = new();
    private readonly FhirServerFixture _fhir = new();

    public void Dispose()
    {
        _ehr.Dispose();
        _fhir.Dispose();
    }

    [Fact]
    public async Task GivenCardFromReplicaA_WhenFeedbackGoesToReplicaB_ThenCountedOnceAndItsTokenIsRefusedByB()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = Settings(database, authenticated: true);
        var startA = ServiceProcess.StartAsync(settings);
        var startB = ServiceProcess.StartAsync(settings);
        await using var replicaA = await startA;
        await using var replicaB = await startB;
        using var a = new HttpClient { BaseAddress = replicaA.BaseAddress };
        using var b = new HttpClient { BaseAddress = replicaB.BaseAddress };

        var token = _ehr.Signer.Token("/cds-services/ketamine-order-sign");
        var (status, body, _) = await HttpJson.SendAsync(a, "/cds-services/ketamine-order-sign", HttpJson.Example("order-sign-schizophrenia.json").ToJsonString(), token);
        Assert.Equal(HttpStatusCode.OK, status);
        var card = body.GetProperty("cards")[0];
        Assert.Equal("critical", card.GetProperty("indicator").GetString());

        // The same signed request replayed to the other replica: its jti is already in the shared store.
        var (replayed, _, _) = await HttpJson.SendAsync(b, "/cds-services/ketamine-order-sign", HttpJson.Example("order-sign-schizophrenia.json").ToJsonString(), token);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed);

        // A audits the card off the request path; B accepts feedback on it once the audit row is in the shared store.
        var feedback = HttpJson.Feedback(card.GetProperty("uuid").GetString()!, "overridden", "risk-benefit-ratio");
        await Eventually.UntilAsync(async () =>
        {
            var (status, answer, _) = await HttpJson.SendAsync(b, "/cds-services/ketamine-order-sign/feedback", feedback, _ehr.Signer.Token("/cds-services/ketamine-order-sign/feedback"));
            return status == HttpStatusCode.OK && !answer.TryGetProperty("unknown", out _); // "unknown": the card's audit row is not there yet
        }, "feedback accepted by replica B");

        foreach (var replica in new[] { a, b })
        {
            var ket08 = (await StatisticsAsync(replica)).Single(r => r.GetProperty("ruleId").GetString() == "KET-08");
            Assert.Equal(1, ket08.GetProperty("issued").GetInt32());
            Assert.Equal(1, ket08.GetProperty("overridden").GetInt32());
            Assert.Equal(0, ket08.GetProperty("accepted").GetInt32());
        }
    }

    [Fact]
    public async Task GivenTwoReplicasOnOneStore_WhenBothStart_ThenTheHistoryOfLivePacksHoldsBoth_AndTheCliSaysWhatEachServedAtATime()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = Settings(database, authenticated: false);
        var startA = ServiceProcess.StartAsync(settings);
        var startB = ServiceProcess.StartAsync(settings);
        await using var replicaA = await startA;
        await using var replicaB = await startB;
        using var a = new HttpClient { BaseAddress = replicaA.BaseAddress };

        List<JsonElement> history = [];
        await Eventually.UntilAsync(async () =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/admin/rules/history");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            using var response = await a.SendAsync(message);
            history = [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone())];
            return history.Count == 2;
        }, "both replicas' start-up in the history");
        Assert.Equal(2, history.Select(e => e.GetProperty("replica").GetString()).Distinct().Count());
        Assert.All(history, e => Assert.Equal("start-up", e.GetProperty("madeBy").GetString()));
        Assert.Single(history.Select(e => e.GetProperty("newHash").GetString()).Distinct());

        var (exit, output, error) = await ServiceProcess.RunVerbAsync("rules", "at", TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--connection", database);
        Assert.True(exit == 0, error);
        var replicas = output.Split('\n').Where(l => l.Contains(": ketamine-trd@", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, replicas.Count);
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("KET-13-CRIT ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenReplicaUnderLoad_WhenSigtermArrives_ThenEveryRequestItAcceptedIsAnsweredAndAudited()
    {
        // Every FHIR query takes 100 ms, so requests are in flight when the signal lands.
        var example = HttpJson.Example("order-sign-schizophrenia.json");
        _fhir.ServeExample(example, delayMilliseconds: 100);
        var request = _fhir.Request("order-sign-schizophrenia.json");
        request.AsObject().Remove("prefetch");
        var database = await postgres.CreateDatabaseAsync();
        var settings = Settings(database, authenticated: false);
        // Deadlines are not under test here: give the FHIR fetches room on a busy 2-core machine.
        settings["Fhir__DeadlineMilliseconds"] = "3000";
        settings["Fhir__AttemptTimeoutMilliseconds"] = "2500";
        await using var replica = await ServiceProcess.StartAsync(settings);

        // Each request has its own hookInstance, which the replica audits when it handles the call: the audit then
        // says which requests the replica accepted, whatever the client saw.
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(); // hookInstance → cards
        var unanswered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failuresBeforeSignal = new System.Collections.Concurrent.ConcurrentBag<string>();
        var answeredAfterSignal = 0;
        var signalled = false;
        async Task ClientAsync()
        {
            using var http = new HttpClient { BaseAddress = replica.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            while (true)
            {
                var hookInstance = Guid.NewGuid().ToString();
                var body = request.DeepClone(); // the clients share the template; each sends its own copy
                body["hookInstance"] = hookInstance;
                using var message = new HttpRequestMessage(HttpMethod.Post, "/cds-services/ketamine-order-sign")
                {
                    Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
                };
                // A new connection per request, as a load balancer spreads calls over replicas.
                message.Headers.ConnectionClose = true;
                var wasSignalled = Volatile.Read(ref signalled);
                try
                {
                    using var response = await http.SendAsync(message);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failuresBeforeSignal.Add($"{(int)response.StatusCode}: {text}");
                        return;
                    }

                    answered[hookInstance] = JsonDocument.Parse(text).RootElement.GetProperty("cards").GetArrayLength();
                    if (Volatile.Read(ref signalled))
                    {
                        Interlocked.Increment(ref answeredAfterSignal);
                    }
                }
                catch (HttpRequestException ex)
                {
                    if (wasSignalled || Volatile.Read(ref signalled))
                    {
                        unanswered.Add(hookInstance); // refused or reset: fine if the replica never handled it (checked below)
                    }
                    else
                    {
                        failuresBeforeSignal.Add(ex.Message);
                    }

                    return;
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(ClientAsync)).ToList();
        await Eventually.UntilAsync(() => answered.Count >= 20, "20 answers before the signal");

        Volatile.Write(ref signalled, true);
        replica.Terminate();
        var exitCode = await replica.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(clients);

        Assert.Empty(failuresBeforeSignal);
        Assert.Equal(0, exitCode);
        Assert.True(answeredAfterSignal > 0, "no request was in flight at SIGTERM; the test proved nothing");

        // What the replica accepted (it audits every call it handles, flushed at shutdown) is exactly what was answered.
        var audited = new Dictionary<string, int>();
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var query = new Npgsql.NpgsqlCommand(
                "select i.hook_instance, i.status, (select count(*) from audit_card c where c.invocation_id = i.id and c.suppressed = 0) from audit_invocation i", connection);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.Equal(200, reader.GetInt32(1));
                audited[reader.GetString(0)] = (int)reader.GetInt64(2);
            }
        }

        Assert.Equal(answered.OrderBy(a => a.Key), audited.OrderBy(a => a.Key));
        Assert.DoesNotContain(unanswered, audited.ContainsKey);
    }

    private Dictionary<string, string?> Settings(string database, bool authenticated)
    {
        var settings = authenticated ? _ehr.Settings() : new Dictionary<string, string?> { ["Auth:Enabled"] = "false" };
        settings["Store:ConnectionString"] = database;
        settings["Admin:ApiKey"] = AdminKey;
        settings["Http:RequestsPerSecondPerIssuer"] = "100000";
        settings["Http:BurstPerIssuer"] = "100000";
        return TrustedEhr.AsEnvironment(settings);
    }

    private static async Task<List<JsonElement>> StatisticsAsync(HttpClient client)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/admin/statistics?since=30d");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(message);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
