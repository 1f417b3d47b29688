using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>
/// OpenTelemetry listens to meters by name across the process, so hosts of other test classes running at the same
/// time would add their calls to the counts: these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(ProcessWideTelemetry), DisableParallelization = true)]
public sealed class ProcessWideTelemetry;

/// <summary>What an operations team scrapes and traces: counts and labels after real calls, spans of one hook call.</summary>
[Collection(nameof(ProcessWideTelemetry))]
[Trait("Category", "Integration")]
public sealed partial class TelemetryTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>, IDisposable
{
    private const string AdminKey = "telemetry-admin-key";
    private readonly TrustedEhr _ehr = new();

    public void Dispose() => _ehr.Dispose();

    [Fact]
    public async Task GivenCallsIncluding412RejectedTokenAndFailedFhirQuery_WhenScraped_ThenCountsAndLabelsWithoutPatientData()
    {
        var settings = _ehr.Settings();
        settings["Admin:ApiKey"] = AdminKey;
        settings["Fhir:DeadlineMilliseconds"] = "3000";
        settings["Fhir:AttemptTimeoutMilliseconds"] = "2500"; // no timeout retries on a cold host: the counts below are exact
        settings["Fhir:HedgeDelayFloorMilliseconds"] = "2000"; // nor hedges of a cold host's slow first searches
        await using var app = new ConfiguredApplication(settings);
        var client = app.CreateClient();
        const string service = "/cds-services/ketamine-order-sign";
        var now = DateTimeOffset.UtcNow;

        // 1. A contraindicated patient, all prefetched: 200 with a critical KET-13-CRIT card.
        var crisis = IdentifiedPatient.Apply(HttpJson.Example("order-sign-bp-crisis.json"));
        Assert.Equal(HttpStatusCode.OK, (await HttpJson.SendAsync(client, service, crisis.ToJsonString(), _ehr.Signer.Token(service))).Status);
        // 2. Observations missing and no fhirServer to fetch them from: 412.
        var noServer = crisis.DeepClone();
        noServer["prefetch"]!.AsObject().Remove("observations");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await HttpJson.SendAsync(client, service, noServer.ToJsonString(), _ehr.Signer.Token(service))).Status);
        // 3. An expired token: 401.
        var expired = _ehr.Signer.Token(service, payload: p => { p["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds(); p["exp"] = now.AddMinutes(-10).ToUnixTimeSeconds(); });
        Assert.Equal(HttpStatusCode.Unauthorized, (await HttpJson.SendAsync(client, service, crisis.ToJsonString(), expired)).Status);
        // 4. Everything fetched, the optional dispenses query fails (500, retried once): 200 with the incomplete-data card.
        fhir.ServeExample(crisis);
        fhir.Server.Given(Request.Create().WithPath("/MedicationDispense").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500));
        var fetched = crisis.DeepClone();
        fetched["fhirServer"] = fhir.BaseUrl;
        fetched["fhirAuthorization"] = FhirServerFixture.Authorization(IdentifiedPatient.Token);
        fetched.AsObject().Remove("prefetch");
        Assert.Equal(HttpStatusCode.OK, (await HttpJson.SendAsync(client, service, fetched.ToJsonString(), _ehr.Signer.Token(service))).Status);

        var anonymous = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(scrape);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metrics = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(2, Value(metrics, "kcds_hook_duration_seconds_count", ("cds_service", "ketamine-order-sign"), ("outcome", "ok")));
        Assert.Equal(1, Value(metrics, "kcds_hook_duration_seconds_count", ("cds_service", "ketamine-order-sign"), ("outcome", "precondition_failed")));
        Assert.Equal(1, Value(metrics, "kcds_precondition_failed_total", ("cds_service", "ketamine-order-sign"), ("cause", "no_fhir_server")));
        Assert.Equal(1, Value(metrics, "kcds_auth_jwt_rejections_total", ("reason", "expired_or_not_yet_valid")));
        Assert.Equal(2, Value(metrics, "kcds_cards_issued_total", ("indicator", "critical"), ("rule_id", "KET-13-CRIT")));
        Assert.Equal(1, Value(metrics, "kcds_cards_issued_total", ("indicator", "warning"), ("rule_id", "none"))); // "dispenses could not be read"
        // Nine keys (procedures and service requests for the ECT rule, consents for the checklist, among them) and the
        // observations' four category searches answered; the dispenses failed.
        Assert.Equal(13, Value(metrics, "kcds_fhir_calls_total", ("outcome", "ok")));
        Assert.Equal(1, Value(metrics, "kcds_fhir_calls_total", ("outcome", "http_error")));
        Assert.Equal(1, Value(metrics, "kcds_rule_pack_info", ("pack_name", "ketamine-trd"), ("pack_version", Repository.ShippedPackVersion)));
        Assert.True(Value(metrics, "kcds_hook_phase_duration_seconds_count", ("phase", "evaluate")) >= 2);
        Assert.Equal(0, Value(metrics, "kcds_audit_dropped_total"));
        Assert.Single(metrics, s => s.Name == "kcds_log_dropped_total" && s.Value == 0); // reported, and the async console sink kept up

        var labelValues = metrics.SelectMany(m => m.Labels.Values).Distinct().ToList();
        foreach (var secret in IdentifiedPatient.Secrets.Append("Practitioner/dr-1").Append("enc-1"))
        {
            Assert.DoesNotContain(labelValues, v => v.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task GivenOrderSignWithoutPrefetch_WhenTraced_ThenHookSpanHasOneChildPerFhirQueryAndTheFhirServerSeesTheTrace()
    {
        var spans = new List<Activity>();
        var logEvents = new System.Collections.Concurrent.ConcurrentQueue<Serilog.Events.LogEvent>();
        await using var app = new TracedApplication(spans, logEvents);
        var request = IdentifiedPatient.Apply(HttpJson.Example("order-sign-bp-crisis.json"));
        fhir.ServeExample(request);
        request["fhirServer"] = fhir.BaseUrl;
        request["fhirAuthorization"] = FhirServerFixture.Authorization(IdentifiedPatient.Token);
        request.AsObject().Remove("prefetch");

        // The EHR starts the trace: its traceparent ties our spans together (other hosts in this process trace too).
        var traceId = ActivityTraceId.CreateRandom();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/cds-services/ketamine-order-sign")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await app.CreateClient().SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        List<Activity> Finished()
        {
            lock (spans)
            {
                return spans.Where(s => s.TraceId == traceId).ToList();
            }
        }

        // WireMock runs ASP.NET Core in this process, so its server spans (the FHIR server's side, children of our
        // HTTP client spans) are recorded too; they are the EHR's, not ours. Each ends once its response is flushed,
        // which can be just after our client has read it: wait for all eight before looking.
        static List<Activity> FhirServerSpans(List<Activity> trace)
        {
            var clientSpans = trace.Where(s => s.Kind == ActivityKind.Client).Select(s => s.SpanId).ToHashSet();
            return trace.Where(s => s.Kind == ActivityKind.Server && clientSpans.Contains(s.ParentSpanId)).ToList();
        }

        // Fourteen searches: ten keys (procedures and service requests for the ECT rule, consents for the checklist, among
        // them), and observations as one search per category the pack reads (four).
        const int Searches = 14;
        await Eventually.UntilAsync(() => FhirServerSpans(Finished()).Count >= Searches, "the FHIR server's spans", seconds: 5);
        var finished = Finished();

        var hook = Assert.Single(finished, s => s.DisplayName == "cds.hook ketamine-order-sign");
        var queries = finished.Where(s => s.ParentSpanId == hook.SpanId && s.DisplayName.StartsWith("fhir.search ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Searches, queries.Count);
        Assert.Single(finished, s => s.ParentSpanId == hook.SpanId && s.DisplayName == "cds.evaluate");
        // HttpClient's spans sit under the query spans, and the W3C traceparent reached the FHIR server.
        Assert.All(queries, q => Assert.Contains(finished, s => s.ParentSpanId == q.SpanId && s.Kind == ActivityKind.Client));
        var traceparents = fhir.Calls().Select(c => c.RequestMessage.Headers?.FirstOrDefault(h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault()).ToList();
        Assert.Equal(Searches, traceparents.Count);
        Assert.All(traceparents, t => Assert.StartsWith($"00-{hook.TraceId.ToHexString()}-", t, StringComparison.Ordinal));

        // No patient data, token or FHIR URL with ids in any span attribute of ours (the FHIR server's are the EHR's).
        var fhirServerSpans = FhirServerSpans(finished);
        Assert.Equal(Searches, fhirServerSpans.Count);
        var ours = finished.Except(fhirServerSpans).ToList();
        var attributes = ours.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")).ToList();
        foreach (var secret in IdentifiedPatient.Secrets)
        {
            var leaks = attributes.Where(a => a.Contains(secret, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(leaks.Count == 0, $"span attributes carry '{secret}': {string.Join("; ", leaks)}");
        }

        Assert.Contains(attributes, a => a == $"url.full={fhir.BaseUrl}/Patient/{{id}}");

        // The request's log event carries the trace id, so a slow call's log line leads to its trace. It is written as
        // the response completes, which can be just after the client has read it.
        await Eventually.UntilAsync(() => logEvents.Any(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)), "the request's log event", seconds: 5);

        var requestEvent = Assert.Single(logEvents, e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)
            && e.Properties.TryGetValue("TraceId", out var id) && id.ToString() == $"\"{traceId.ToHexString()}\"");
        Assert.Equal("\"ketamine-order-sign\"", requestEvent.Properties["Service"].ToString());
    }

    private sealed class TracedApplication(List<Activity> spans, System.Collections.Concurrent.ConcurrentQueue<Serilog.Events.LogEvent> logEvents) : KetamineCdsApplication(new Dictionary<string, string?>
    {
        ["Telemetry:TracingEnabled"] = "true",
        // A cold host's first FHIR calls can be slow enough to be hedged or retried; not under test here.
        ["Fhir:DeadlineMilliseconds"] = "3000",
        ["Fhir:AttemptTimeoutMilliseconds"] = "2500",
        ["Fhir:HedgeDelayFloorMilliseconds"] = "2000",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
                services.AddSingleton<Serilog.Core.ILogEventSink>(new QueueSink(logEvents));
            });
        }
    }

    private sealed class QueueSink(System.Collections.Concurrent.ConcurrentQueue<Serilog.Events.LogEvent> events) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => events.Enqueue(logEvent);
    }

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>Prometheus text format: <c>name{label="value",…} number</c> per line.</summary>
    private static List<Sample> Parse(string text) =>
        text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => SampleLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Sample(
                m.Groups["name"].Value,
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
                double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    private static double Value(List<Sample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
