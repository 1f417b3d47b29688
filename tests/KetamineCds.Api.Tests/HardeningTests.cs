using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>Limits, headers, CORS and a corpus of broken requests: never a 500, never down.</summary>
[Trait("Category", "Integration")]
public sealed class HardeningTests(KetamineCdsApplication app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<KetamineCdsApplication>
{
    /// <summary>Broken variants of a valid request: truncations, wrong types, huge strings, deep nesting, wrong resources, duplicate keys.</summary>
    public static IEnumerable<(string Name, string Body)> Corpus()
    {
        var valid = HttpJson.Example("order-sign-bp-crisis.json").ToJsonString();
        for (var cut = 1; cut < valid.Length; cut += Math.Max(1, valid.Length / 60))
        {
            yield return ($"truncated at {cut}", valid[..cut]);
        }

        var wrongValues = new JsonNode?[] { null, 42, true, "text", new JsonArray(), new JsonObject(), new string('x', 100_000) };
        var paths = new[] { "hook", "hookInstance", "fhirServer", "fhirAuthorization", "context", "prefetch", "context.userId", "context.patientId",
            "context.draftOrders", "context.draftOrders.entry", "prefetch.patient", "prefetch.observations", "prefetch.observations.entry" };
        foreach (var path in paths)
        {
            foreach (var value in wrongValues)
            {
                var request = JsonNode.Parse(valid)!;
                var parts = path.Split('.');
                var parent = parts[..^1].Aggregate(request, (node, part) => node[part]!);
                parent[parts[^1]] = value?.DeepClone();
                yield return ($"{path} = {(value?.ToJsonString() ?? "null")[..Math.Min(20, (value?.ToJsonString() ?? "null").Length)]}", request.ToJsonString());
            }
        }

        foreach (var wrongType in new[] { "Observation", "Bundle", "OperationOutcome", "NotAResource", "Patient" })
        {
            var request = JsonNode.Parse(valid)!;
            request["prefetch"]!["patient"] = new JsonObject { ["resourceType"] = wrongType, ["id"] = "x", ["status"] = 12 };
            request["prefetch"]!["conditions"] = new JsonObject { ["resourceType"] = wrongType, ["entry"] = "not an array" };
            request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["resourceType"] = wrongType;
            yield return ($"wrong resource type {wrongType}", request.ToJsonString());
        }

        yield return ("deep nesting in context", valid.Replace("\"userId\"", new string('[', 0) + "\"deep\":" + new string('[', 5000) + new string(']', 5000) + ",\"userId\"", StringComparison.Ordinal));
        yield return ("deep nesting in a resource", valid.Replace("\"status\":\"draft\"", "\"status\":\"draft\",\"extension\":" + new string('[', 60) + new string(']', 60), StringComparison.Ordinal));
        yield return ("duplicate keys", valid.Replace("\"hook\":\"order-sign\"", "\"hook\":\"order-sign\",\"hook\":\"patient-view\"", StringComparison.Ordinal));
        yield return ("duplicate prefetch keys", valid.Replace("\"prefetch\":{", "\"prefetch\":{\"patient\":null,", StringComparison.Ordinal));
        yield return ("huge string in a resource", valid.Replace("\"ketamine\"", $"\"{new string('k', 2_000_000)}\"", StringComparison.Ordinal));
        yield return ("invalid UTF-8 escapes", valid.Replace("\"ketamine\"", "\"\\ud800\\u0000\"", StringComparison.Ordinal));
        yield return ("dates that are not dates", valid.Replace("2026-11-25", "yesterday", StringComparison.Ordinal));
        yield return ("numbers that are not numbers", valid.Replace("186", "\"high\"", StringComparison.Ordinal));
        yield return ("empty body", "");
        yield return ("null body", "null");
    }

    [Fact]
    public async Task GivenCorpusOfBrokenRequests_WhenPosted_ThenNeverA500AndTheServiceStaysUp()
    {
        var client = app.CreateClient();
        var cases = Corpus().ToList();
        var failures = new List<string>();
        var statuses = new List<HttpStatusCode>();

        foreach (var (name, body) in cases)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/cds-services/ketamine-order-sign", content);
            statuses.Add(response.StatusCode);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{name}: {(int)response.StatusCode}");
            }
        }

        output.WriteLine($"{cases.Count} broken requests tried; statuses: {string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}×{g.Count()}"))}");
        Assert.True(cases.Count > 150, $"only {cases.Count} cases");
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await HttpJson.PostAsync(client, HttpJson.Example("order-sign-bp-crisis.json"))).Status);
    }

    [Fact]
    public async Task GivenAnyResponse_WhenReturned_ThenSecurityHeadersAndNoServerBanner()
    {
        using var response = await app.CreateClient().GetAsync("/cds-services");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }
}

[Trait("Category", "Integration")]

public sealed class LimitTests
{
    private static ConfiguredApplication App(params (string Key, string Value)[] settings) =>
        new(settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    [Fact]
    public async Task GivenBodyOverTheConfiguredLimit_WhenPosted_Then413()
    {
        await using var app = App(("Http:MaxRequestBodyMegabytes", "1"));
        var request = HttpJson.Example("order-sign-bp-crisis.json");
        request["padding"] = new string('x', 1_200_000);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task GivenBurstOverTheIssuerLimit_WhenCalled_Then429WithRetryAfter()
    {
        await using var app = App(("Http:RequestsPerSecondPerIssuer", "1"), ("Http:BurstPerIssuer", "2"));
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/cds-services");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.ToString();
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.False(string.IsNullOrEmpty(retryAfter));
    }

    [Fact]
    public async Task GivenProductionWithConfiguredOrigin_WhenBrowserPreflights_ThenAllowedAndOthersNot()
    {
        await using var app = ProductionApplication.WithAuthenticationOffOnPurpose(("Http:AllowedOrigins:0", "https://sandbox.cds-hooks.org"));
        var client = app.CreateClient();

        Assert.Equal("https://sandbox.cds-hooks.org", await AllowedOriginAsync(client, "https://sandbox.cds-hooks.org"));
        Assert.Null(await AllowedOriginAsync(client, "https://evil.example.org"));
        Assert.Null(await AllowedOriginAsync(client, "http://localhost:8080"));
    }

    [Fact]
    public async Task GivenDevelopmentWithNoOriginsConfigured_WhenABrowserEhrPreflights_ThenAnyOriginMayCall()
    {
        await using var app = App();
        var client = app.CreateClient();

        // A new user's sandbox, on whatever port it was served from, works on the first try.
        Assert.Equal("*", await AllowedOriginAsync(client, "http://localhost:8080"));
        Assert.Equal("*", await AllowedOriginAsync(client, "https://sandbox.cds-hooks.org"));
    }

    private static async Task<string?> AllowedOriginAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/cds-services/ketamine-order-sign");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await client.SendAsync(request);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    [Fact]
    public async Task GivenProductionWithoutAnAdminKey_WhenAdminEndpointsAreCalled_Then403WithAnOperationOutcome()
    {
        await using var app = ProductionApplication.WithAuthenticationOffOnPurpose();

        using var response = await app.CreateClient().GetAsync("/admin/rules");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"forbidden\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Http:AllowedOrigins:0", "https://sandbox.cds-hooks.org/", "Http:AllowedOrigins")]
    [InlineData("Http:AllowedOrigins:0", "sandbox.cds-hooks.org", "Http:AllowedOrigins")]
    [InlineData("Fhir:AllowedServers:0", "ehr.example.org/fhir", "Fhir:AllowedServers")]
    [InlineData("Fhir:AttemptTimeoutMilliseconds", "2000", "Fhir:AttemptTimeoutMilliseconds")]
    public void GivenAMistypedSetting_WhenStarting_ThenRefusesToStartNamingIt(string key, string value, string named)
    {
        using var app = new ConfiguredApplication(new Dictionary<string, string?> { [key] = value });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAuthDisabledOutsideDevelopment_WhenStarting_ThenRefusesToStart()
    {
        using var app = new ProductionApplication(new Dictionary<string, string?> { ["Auth:Enabled"] = "false" });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("AllowDisabledOutsideDevelopment", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAuthDisabledOutsideDevelopmentOnPurpose_WhenStarting_ThenRuns()
    {
        await using var app = ProductionApplication.WithAuthenticationOffOnPurpose();

        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/cds-services")).StatusCode);
    }
}
