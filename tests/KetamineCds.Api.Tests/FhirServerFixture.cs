using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>
/// WireMock.Net standing in for the EHR's FHIR server: it serves a patient's data by prefetch template, with the
/// latency and failures a test asks for.
/// </summary>
public sealed class FhirServerFixture : IDisposable
{
    public const string Token = "test-access-token-7f3a";

    /// <summary>A FHIR search on a hospital network takes tens of milliseconds; the fixture answers no faster.</summary>
    public const int RealisticLatencyMilliseconds = 20;

    public FhirServerFixture() => Server = WireMockServer.Start();

    public WireMockServer Server { get; }
    public string BaseUrl => Server.Url!;

    /// <summary>The resource paths the templates query, by prefetch key.</summary>
    public static readonly IReadOnlyDictionary<string, string> Paths = new Dictionary<string, string>
    {
        ["patient"] = "/Patient/*",
        ["conditions"] = "/Condition",
        ["observations"] = "/Observation",
        ["medicationRequests"] = "/MedicationRequest",
        ["allergies"] = "/AllergyIntolerance",
        ["medicationStatements"] = "/MedicationStatement",
        ["medicationAdministrations"] = "/MedicationAdministration",
        ["medicationDispenses"] = "/MedicationDispense",
        ["procedures"] = "/Procedure",
        ["serviceRequests"] = "/ServiceRequest",
        ["consents"] = "/Consent",
    };

    /// <summary>
    /// Serves an example request's prefetch from the server, key by key (null values as empty searchsets), each answer
    /// after a delay drawn uniformly from <paramref name="delayMilliseconds"/> ± <paramref name="spreadMilliseconds"/>
    /// (real servers never answer in a fixed time).
    /// </summary>
    public void ServeExample(JsonNode request, int delayMilliseconds = RealisticLatencyMilliseconds, int spreadMilliseconds = RealisticLatencyMilliseconds / 2)
    {
        Server.Reset();
        foreach (var (key, path) in Paths)
        {
            Serve(path, Body(request, key), delayMilliseconds, spreadMilliseconds: spreadMilliseconds);
        }

        // As a FHIR server answers Observation?category=X: only the observations filed under X (priority 9 wins
        // over the whole key's answer above; a category the example has none of gets an empty searchset).
        var observations = request["prefetch"]?["observations"]?["entry"]?.AsArray() ?? [];
        foreach (var category in new[] { "vital-signs", "laboratory", "survey", "social-history", "exam", "imaging", "procedure", "therapy", "activity" })
        {
            var entries = observations.Where(e => e?["resource"]?["category"]?.AsArray().Any(c => c?["coding"]?.AsArray()
                .Any(x => (string?)x?["code"] == category) == true) == true).Select(e => e!.DeepClone()).ToArray();
            var body = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(entries) }.ToJsonString();
            var response = Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(body);
            Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/Observation").WithParam("category", category).UsingGet()).AtPriority(9)
                .RespondWith(spreadMilliseconds > 0
                    ? response.WithRandomDelay(Math.Max(1, delayMilliseconds - spreadMilliseconds), delayMilliseconds + spreadMilliseconds)
                    : response.WithDelay(TimeSpan.FromMilliseconds(Math.Max(1, delayMilliseconds))));
        }
    }

    /// <summary>The example's prefetch value for a key, as the server answers it.</summary>
    public static string Body(JsonNode request, string key) =>
        request["prefetch"]?[key]?.ToJsonString() ?? """{"resourceType":"Bundle","type":"searchset","entry":[]}""";

    public void Serve(string path, string body, int delayMilliseconds = RealisticLatencyMilliseconds, int status = 200, int spreadMilliseconds = 0, int priority = 10)
    {
        // Priority 10 by default (WireMock: lower wins), so a test can override one path at a higher priority.
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/fhir+json").WithBody(body);
        Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(new WildcardMatcher(path)).UsingGet()).AtPriority(priority)
            .RespondWith(spreadMilliseconds > 0
                ? response.WithRandomDelay(Math.Max(1, delayMilliseconds - spreadMilliseconds), delayMilliseconds + spreadMilliseconds)
                : response.WithDelay(TimeSpan.FromMilliseconds(Math.Max(1, delayMilliseconds))));
    }

    public IReadOnlyList<ILogEntry> Calls(string? path = null) =>
        Server.LogEntries.Where(e => path is null || e.RequestMessage.Path == path).ToList();

    /// <summary>The example request pointed at this server, with a bearer token, and without the given prefetch keys.</summary>
    public JsonNode Request(string example, params string[] withoutKeys)
    {
        var request = HttpJson.Example(example);
        request["fhirServer"] = BaseUrl;
        var authorization = Authorization(Token);
        authorization["patient"] = "p1";
        request["fhirAuthorization"] = authorization;
        foreach (var key in withoutKeys)
        {
            request["prefetch"]!.AsObject().Remove(key);
        }

        return request;
    }

    /// <summary>A spec-shaped <c>fhirAuthorization</c> carrying the given bearer token.</summary>
    public static JsonObject Authorization(string token) => new()
    {
        ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 300,
        ["scope"] = "patient/*.read", ["subject"] = "ketamine-cds",
    };

    public void Dispose() => Server.Stop();
}

/// <summary>The service with the fixture's FHIR server on its allowlist and a deadline generous enough for a busy CI machine.</summary>
/// <param name="hedgeDelayFloorMilliseconds">The least wait before a hedge: a test that counts attempts raises it, so a
/// first attempt slowed by a busy machine is not hedged (a retry after a failure is sent at once whatever it is).</param>
public sealed class FetchingApplication(FhirServerFixture fhir, int circuitBreakerMinimumThroughput = 100, int hedgeDelayFloorMilliseconds = 200)
    : KetamineCdsApplication(new Dictionary<string, string?>
{
    ["Fhir:AllowedServers:0"] = fhir.BaseUrl,
    ["Fhir:DeadlineMilliseconds"] = "2000",
    ["Fhir:AttemptTimeoutMilliseconds"] = "1500",
    ["Fhir:HedgeDelayFloorMilliseconds"] = hedgeDelayFloorMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Fhir:CircuitBreakerMinimumThroughput"] = circuitBreakerMinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture),
});
