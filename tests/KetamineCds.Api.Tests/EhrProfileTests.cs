using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Production EHRs as their documentation describes them, with WireMock.Net as each one's FHIR server: a query the
/// token may not make (403) costs that key and nothing else; keys an EHR never serves raise no warning; prefetch
/// Bundles that continue on a next page are read to the end; partial failures and page-limit cuts are named.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EhrProfileTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string Example = "order-sign-bp-crisis.json";

    private static Dictionary<string, string?> Settings(FhirServerFixture fhir, string profile, int pageLimit = 5) => new()
    {
        ["Fhir:AllowedServers:0"] = fhir.BaseUrl,
        ["Fhir:DeadlineMilliseconds"] = "2000",
        ["Fhir:AttemptTimeoutMilliseconds"] = "1500",
        ["Fhir:PageLimit"] = pageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // These tests count the queries each profile sends: a first attempt slowed by a busy machine is not hedged
        // (hedging has its own tests in FhirLatencyTests).
        ["Fhir:HedgeDelayFloorMilliseconds"] = "1000",
        ["Auth:DefaultProfile"] = profile,
    };

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(JsonNode request, string profile, int pageLimit = 5)
    {
        await using var app = new ConfiguredApplication(Settings(fhir, profile, pageLimit));
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);
        return (status, body);
    }

    private static string IncompleteDetail(JsonElement body) => FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString()!;

    private static bool HasIncompleteCard(JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().Any(c => c.GetProperty("summary").GetString()!.StartsWith("Checks incomplete", StringComparison.Ordinal));

    [Theory]
    [InlineData("epic")]
    [InlineData("oracle-health")]
    [InlineData("meditech")]
    [InlineData("sandbox")]
    public async Task GivenEachProfile_WhenTheTokenMayNotSearchOneObservationCategory_ThenTheRestIsAdvisedAndTheKeyNamed(string profile)
    {
        fhir.ServeExample(HttpJson.Example(Example));
        // Epic grants "Observation.Search (Labs)" and "(Vitals)" separately: this token lacks the questionnaire scores.
        fhir.Server.Given(Request.Create().WithPath("/Observation").WithParam("category", "survey").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(403));
        var request = fhir.Request(Example);
        request.AsObject().Remove("prefetch");

        var (status, body) = await SendAsync(request, profile);

        // Not 412: the blood pressure was readable, so its crisis card stands, and the refused key is named.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
        var detail = IncompleteDetail(body);
        Assert.Contains("`observationsSurvey`", detail, StringComparison.Ordinal);
        Assert.Contains("not permitted by the EHR's token", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("`observationsVitalSigns`", detail, StringComparison.Ordinal);
        Assert.Empty(CardContract.Violations(body, deprecatedDeleteForm: profile is "epic" or "oracle-health"));
    }

    [Theory]
    [InlineData("oracle-health", "/MedicationStatement", "/MedicationDispense")]
    [InlineData("meditech", "/MedicationStatement", "/MedicationAdministration")]
    public async Task GivenAProfileWithKeysItNeverServes_WhenFetched_ThenThoseAreNeitherAskedForNorWarnedAbout(string profile, string first, string second)
    {
        fhir.ServeExample(HttpJson.Example(Example));
        // Were the service to ask, this EHR would refuse: it has no such API.
        foreach (var path in new[] { first, second })
        {
            fhir.Serve(path, "{}", status: 404, priority: 1);
        }

        var request = fhir.Request(Example);
        request.AsObject().Remove("prefetch");

        var (status, body) = await SendAsync(request, profile);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(fhir.Calls(first));
        Assert.Empty(fhir.Calls(second));
        Assert.False(HasIncompleteCard(body), "no incomplete-data card for data the EHR never has");
        // Without _include support the orders' Medications would be read by id: the query asks for none.
        Assert.All(fhir.Calls("/MedicationRequest"), c => Assert.False(c.RequestMessage.Query!.ContainsKey("_include")));
    }

    [Fact]
    public async Task GivenTheSpecProfile_WhenTheSameKeysAreMissing_ThenTheyAreFetchedAndTheirFailureNamed()
    {
        // The contrast to the test above: under the spec's defaults the same refusals are a gap in the record.
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Serve("/MedicationStatement", "{}", status: 404, priority: 1);
        var request = fhir.Request(Example, "medicationStatements");

        var (status, body) = await SendAsync(request, "spec");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(fhir.Calls("/MedicationStatement").Select(c => c.RequestMessage.Path).Distinct());
        Assert.Contains("`medicationStatements`", IncompleteDetail(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenEpic_WhenConditionsAreFetched_ThenOneSearchPerUsCoreCategory()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        request.AsObject().Remove("prefetch");

        var (status, _) = await SendAsync(request, "epic");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["encounter-diagnosis", "health-concern", "problem-list-item"],
            fhir.Calls("/Condition").Select(c => c.RequestMessage.Query!["category"].Single()).Distinct().Order());
    }

    [Fact]
    public async Task GivenAPrefetchBundleWithANextLink_WhenAssembled_ThenTheRestIsReadFromTheFhirServerWithTheToken()
    {
        // The first page of the orders is the example's; the second, on the FHIR server, holds an active MAOI.
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        var orders = request["prefetch"]!["medicationRequests"]!.AsObject();
        orders["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = $"{fhir.BaseUrl}/MedicationRequest?patient=p1&page=2" });
        fhir.Server.Given(Request.Create().WithPath("/MedicationRequest").WithParam("page", "2").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(Searchset(Phenelzine())));

        var (status, body) = await SendAsync(request, "spec");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("KET-32", HttpJson.Rules(body)); // the MAOI card: found only on page 2
        var page = Assert.Single(fhir.Calls("/MedicationRequest"));
        Assert.Equal($"Bearer {FhirServerFixture.Token}", page.RequestMessage.Headers!["Authorization"].Single());
        Assert.False(HasIncompleteCard(body));
    }

    [Fact]
    public async Task GivenANextLinkToAnotherHost_WhenAssembled_ThenTheTokenIsNotSentThereAndTheKeyIsNamed()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        using var elsewhere = WireMock.Server.WireMockServer.Start();
        var request = fhir.Request(Example);
        request["prefetch"]!["medicationRequests"]!["link"] =
            new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = $"{elsewhere.Url}/MedicationRequest?page=2" });

        var (status, body) = await SendAsync(request, "spec");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(elsewhere.LogEntries);
        var detail = IncompleteDetail(body);
        Assert.Contains("`medicationRequests`", detail, StringComparison.Ordinal);
        Assert.Contains("another server", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnErrorOperationOutcomeEntryInAPrefetchBundle_WhenAssembled_ThenTheKeyIsNamedAsPartlyMissing()
    {
        // A partial failure (spec §Prefetch: the EHR may report one as an OperationOutcome entry) reads as a gap, not
        // as "no allergies"; Epic's warning-severity "no results" entry is an answer and raises nothing.
        var request = HttpJson.Example(Example);
        var allergies = request["prefetch"]!["allergies"]!.AsObject();
        allergies["entry"] = new JsonArray(Outcome("error", "Allergy service unavailable"));
        request["prefetch"]!["conditions"]!["entry"]!.AsArray().Add(Outcome("warning", "Resource request returns no results."));

        var (status, body) = await SendAsync(request, "spec");

        Assert.Equal(HttpStatusCode.OK, status);
        var detail = IncompleteDetail(body);
        Assert.Contains("`allergies`", detail, StringComparison.Ordinal);
        Assert.Contains("Allergy service unavailable", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("`conditions`", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenASearchLongerThanThePageLimit_WhenFetched_ThenTheCutIsNamed()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        // Allergies come one per page, forever: the service reads Fhir:PageLimit pages and says it stopped.
        fhir.Server.Given(Request.Create().WithPath("/AllergyIntolerance").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json")
                .WithBody(JsonSerializer.Serialize(new { resourceType = "Bundle", type = "searchset", link = new[] { new { relation = "next", url = $"{fhir.BaseUrl}/AllergyIntolerance?page=more" } } })));
        var request = fhir.Request(Example, "allergies");

        var (status, body) = await SendAsync(request, "spec", pageLimit: 3);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, fhir.Calls("/AllergyIntolerance").Count);
        var detail = IncompleteDetail(body);
        Assert.Contains("`allergies`", detail, StringComparison.Ordinal);
        Assert.Contains("only the first 3 pages", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenUnauthorizedOnOneKey_WhenFetched_Then412BecauseTheTokenItselfIsBad()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Serve("/AllergyIntolerance", "{}", status: 401, priority: 1);

        var (status, body) = await SendAsync(fhir.Request(Example, "allergies"), "epic");

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("refused the access token", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    private static JsonObject Outcome(string severity, string text) => new()
    {
        ["resource"] = new JsonObject
        {
            ["resourceType"] = "OperationOutcome",
            ["issue"] = new JsonArray(new JsonObject { ["severity"] = severity, ["code"] = "processing", ["diagnostics"] = text }),
        },
        ["search"] = new JsonObject { ["mode"] = "outcome" },
    };

    private static JsonObject Phenelzine() => new()
    {
        ["resourceType"] = "MedicationRequest",
        ["id"] = "m-phenelzine",
        ["status"] = "active",
        ["intent"] = "order",
        ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
        ["authoredOn"] = "2026-10-01",
        ["medicationCodeableConcept"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = "8123", ["display"] = "phenelzine" }),
        },
    };

    private static string Searchset(params JsonObject[] resources) => new JsonObject
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r })]),
    }.ToJsonString();
}
