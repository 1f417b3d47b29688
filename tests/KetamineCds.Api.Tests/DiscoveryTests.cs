using System.Net;
using System.Text.Json;

namespace KetamineCds.Api.Tests;

[Trait("Category", "Integration")]
public sealed class DiscoveryTests(KetamineCdsApplication app) : IClassFixture<KetamineCdsApplication>
{
    [Fact]
    public async Task GivenService_WhenDiscoveryCalled_ThenThreeServicesWithEveryRequiredField()
    {
        var response = await app.CreateClient().GetAsync("/cds-services");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var services = body.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["ketamine-order-select", "ketamine-order-sign", "ketamine-patient-view"], services.Select(s => s.GetProperty("id").GetString()).Order());
        foreach (var service in services)
        {
            Assert.Contains(service.GetProperty("hook").GetString(), new[] { "order-select", "order-sign", "patient-view" });
            Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("description").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("usageRequirements").GetString()));
            var prefetch = service.GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal("Patient/{{context.patientId}}", prefetch["patient"]);
            // CDS Hooks 2.0 allows only root context fields and user tokens in templates.
            Assert.All(prefetch.Values, q => Assert.DoesNotContain("{{context.draftOrders", q, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task GivenTheShippedPack_WhenDiscovered_ThenOneObservationKeyPerCategoryAndTheHti1SourceAttributes()
    {
        var service = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/cds-services")).RootElement.GetProperty("services")[0];

        var prefetch = service.GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal("Observation?patient={{context.patientId}}&category=survey", prefetch["observationsSurvey"]);
        Assert.Equal("Observation?patient={{context.patientId}}&category=vital-signs", prefetch["observationsVitalSigns"]);
        Assert.DoesNotContain("observations", prefetch.Keys); // the combined key is read when sent, never asked for
        Assert.Equal("Condition?patient={{context.patientId}}", prefetch["conditions"]);
        var attributes = service.GetProperty("extension").GetProperty("org.ketaminecds.hti1-source-attributes");
        Assert.False(string.IsNullOrWhiteSpace(attributes.GetProperty("developer").GetString()));
        var crisis = attributes.GetProperty("interventions").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "KET-13-CRIT");
        Assert.Equal("rules/KET-13-CRIT", crisis.GetProperty("page").GetString());
        Assert.NotEmpty(crisis.GetProperty("citations").EnumerateArray());
    }

    [Fact]
    public async Task GivenAnUnknownEhrProfile_WhenDiscoveryIsAskedForIt_Then404NamingTheKnownOnes()
    {
        var response = await app.CreateClient().GetAsync("/cds-services?ehr=allscripts");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("meditech", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenService_WhenOpenApiRequested_ThenTheHookEndpointsAreDescribed()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/cds-services", out _));
        Assert.True(paths.GetProperty("/cds-services/{id}").TryGetProperty("post", out var post));
        Assert.True(post.TryGetProperty("requestBody", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("Card", out _));
    }

    [Fact]
    public async Task GivenService_WhenOpenApiRequested_ThenErrorsAreDescribedAsOperationOutcomesNotProblemDetails()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;

        var responses = document.GetProperty("paths").GetProperty("/cds-services/{id}").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "400", "404", "412", "413", "415", "500" })
        {
            var content = responses.GetProperty(status).GetProperty("content");
            Assert.Equal("#/components/schemas/OperationOutcomeDocument", content.GetProperty("application/fhir+json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        Assert.False(document.GetProperty("components").GetProperty("schemas").TryGetProperty("ProblemDetails", out _));
    }

    [Theory]
    [InlineData("/cds-services/")]
    [InlineData("/cds-services")]
    [InlineData("/cds-services//")] // doubled slashes collapse to discovery, which is what the caller meant
    public async Task GivenDiscoveryUrlWithOrWithoutTrailingSlash_WhenCalled_ThenTheSameServices(string path)
    {
        var body = JsonDocument.Parse(await app.CreateClient().GetStringAsync(path)).RootElement;

        Assert.Equal(3, body.GetProperty("services").GetArrayLength());
    }

    [Fact]
    public async Task GivenServiceUrlBuiltFromADiscoveryUrlWithTrailingSlash_WhenCalled_ThenAnswered()
    {
        // What the CDS Hooks Sandbox calls after discovery at ".../cds-services/".
        var (status, body, _) = await HttpJson.SendAsync(app.CreateClient(), "/cds-services//ketamine-order-sign",
            HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), bearer: null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("critical", body.GetProperty("cards")[0].GetProperty("indicator").GetString());
    }

    [Theory]
    [InlineData("GET", "/no-such-thing")]
    [InlineData("GET", "/cds-services/ketamine-order-sign/extra")]
    [InlineData("POST", "/cds-services/no-such-service")]
    [InlineData("POST", "/cds-services/no-such-service/feedback")]
    public async Task GivenUnknownPath_WhenCalled_Then404WithOperationOutcome(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("not-found", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }
}
