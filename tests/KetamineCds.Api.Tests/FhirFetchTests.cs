using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace KetamineCds.Api.Tests;

/// <summary>Fetching what the EHR did not prefetch (CDS Hooks 2.0 §Prefetch P-9, P-12, P-13), with WireMock as the FHIR server.</summary>
[Trait("Category", "Integration")]
public sealed class FhirFetchTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string Example = "order-sign-bp-crisis.json";

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> Send(JsonNode request, int circuitBreakerMinimumThroughput = 100)
    {
        await using var app = new FetchingApplication(fhir, circuitBreakerMinimumThroughput);
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);
        return (status, body);
    }

    [Fact]
    public async Task GivenNoPrefetch_WhenOrderSigned_ThenEveryTemplateFetchedWithTheTokenAndSameCardsAsFullPrefetch()
    {
        var full = HttpJson.Example(Example);
        fhir.ServeExample(full);
        var request = fhir.Request(Example);
        request.AsObject().Remove("prefetch");

        var (status, body) = await Send(request);
        var (_, withPrefetch) = await Send(HttpJson.Example(Example));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpJson.Rules(withPrefetch), HttpJson.Rules(body));
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
        // Every template's path is searched (a slow first attempt on a cold host may be hedged: counted by path).
        Assert.Equal(FhirServerFixture.Paths.Count, fhir.Calls().Select(c => c.RequestMessage.Path).Distinct().Count());
        Assert.All(fhir.Calls(), call => Assert.Equal($"Bearer {FhirServerFixture.Token}", call.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Equal("p1", fhir.Calls("/Condition").First().RequestMessage.Query!["patient"].Single());
        Assert.Equal("MedicationRequest:medication", fhir.Calls("/MedicationRequest").First().RequestMessage.Query!["_include"].Single());
        // Observations: one search per category the pack reads, each only as far back as its rules read it (vital signs:
        // the 12-month BMI; the course's severity scores: all history).
        var byCategory = fhir.Calls("/Observation").GroupBy(c => c.RequestMessage.Query!["category"].Single())
            .ToDictionary(g => g.Key, g => g.First().RequestMessage.Query!.TryGetValue("date", out var date) ? date.Single() : null);
        Assert.Equal(["laboratory", "social-history", "survey", "vital-signs"], byCategory.Keys.Order());
        Assert.Equal("ge2025-11-26", byCategory["vital-signs"]);
        Assert.Null(byCategory["survey"]);
        Assert.False(fhir.Calls("/Condition").First().RequestMessage.Query!.ContainsKey("date"));
    }

    [Fact]
    public async Task GivenPartialPrefetch_WhenOrderSigned_ThenOnlyMissingKeysFetched()
    {
        fhir.ServeExample(HttpJson.Example(Example));

        var (status, body) = await Send(fhir.Request(Example, "observations", "allergies"));

        Assert.Equal(HttpStatusCode.OK, status);
        // Distinct: on a busy CI machine a cold host's first attempt can outlast its timeout and be retried, which is
        // not what this test is about (retries have their own tests); which keys were fetched is.
        Assert.Equal(["/AllergyIntolerance", "/Observation"], fhir.Calls().Select(c => c.RequestMessage.Path).Distinct().Order());
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT")); // the BP came from the fetched observations
    }

    [Fact]
    public async Task GivenOperationOutcomeInPrefetch_WhenOrderSigned_ThenThatKeyIsFetched()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        request["prefetch"]!["observations"] = JsonNode.Parse("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]}""");

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(fhir.Calls(), call => Assert.Equal("/Observation", call.RequestMessage.Path));
        Assert.Equal(4, fhir.Calls().Select(c => c.RequestMessage.Query!["category"].Single()).Distinct().Count());
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"Observation?patient=p1\"")]
    [InlineData("{\"total\":0}")]
    public async Task GivenAPrefetchValueThatIsNoResource_WhenOrderSigned_ThenThatKeyIsFetchedAndTheCallAdvised(string value)
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        request["prefetch"]!["observations"] = JsonNode.Parse(value);

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status); // one bad key is FHIR data gone wrong, never a 400 for the whole call
        Assert.NotEmpty(fhir.Calls("/Observation"));
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }

    [Fact]
    public async Task GivenAPreOnePointZeroWrappedPrefetchValue_WhenOrderSigned_ThenItsResourceIsReadAndNothingFetched()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        var observations = request["prefetch"]!["observations"]!.DeepClone();
        request["prefetch"]!["observations"] = new JsonObject { ["response"] = new JsonObject { ["status"] = "200 OK" }, ["resource"] = observations };

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(fhir.Calls("/Observation"));
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }

    [Fact]
    public async Task GivenNullPrefetchValues_WhenOrderSigned_ThenNothingFetched()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        request["prefetch"]!["allergies"] = null;

        var (status, _) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(fhir.Calls());
    }

    [Fact]
    public async Task GivenObservationsOnThreePages_WhenFetched_ThenNextLinksFollowed()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var bp = HttpJson.Example(Example)["prefetch"]!["observations"]!["entry"]!.AsArray().First(e => (string)e!["resource"]!["id"]! == "o-bp")!.ToJsonString();
        string Page(int n, string? entry) => $$"""
            {"resourceType":"Bundle","type":"searchset",
             "link":[{{(n < 3 ? $$"""{"relation":"next","url":"{{fhir.BaseUrl}}/Observation?patient=p1&page={{n + 1}}"}""" : "")}}],
             "entry":[{{entry ?? ""}}]}
            """;
        fhir.Server.Given(Request.Create().WithPath("/Observation").WithParam("page", "2").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(Page(2, null)));
        fhir.Server.Given(Request.Create().WithPath("/Observation").WithParam("page", "3").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(Page(3, bp)));
        fhir.Server.Given(Request.Create().WithPath("/Observation").WithParam("category", "vital-signs").UsingGet()).AtPriority(5)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(Page(1, null)));

        var (status, body) = await Send(fhir.Request(Example, "observations"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(fhir.Calls("/Observation"), c => c.RequestMessage.Query!.TryGetValue("page", out var page) && page.Single() == "2");
        Assert.Single(fhir.Calls("/Observation"), c => c.RequestMessage.Query!.TryGetValue("page", out var page) && page.Single() == "3");
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT")); // the reading was on page 3
    }

    [Fact]
    public async Task GivenServerErrorThenSuccess_WhenFetched_ThenRetriedAndAnswered()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var observations = HttpJson.Example(Example)["prefetch"]!["observations"]!.ToJsonString();
        // The first search fails with a transient 500; every later one answers.
        var searches = 0;
        fhir.Server.Given(Request.Create().WithPath("/Observation").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var first = Interlocked.Increment(ref searches) == 1;
                return new WireMock.ResponseMessage
                {
                    StatusCode = first ? 500 : 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/fhir+json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = first ? """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient"}]}""" : observations,
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                };
            }));

        var (status, body) = await Send(fhir.Request(Example, "observations"));

        // The 500 was answered by another attempt (a retry, or a hedge a cold host sent while the first was pending:
        // how many is the pipeline's business), and the answer rests on the observations that attempt brought.
        var answers = fhir.Calls("/Observation").Select(c => (int?)c.ResponseMessage.StatusCode).ToList();
        Assert.True(status == HttpStatusCode.OK, string.Join(",", answers));
        Assert.Contains(500, answers);
        Assert.Contains(200, answers);
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }

    [Fact]
    public async Task GivenUnauthorized_WhenFetched_ThenNotRetriedAnd412()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Server.Given(Request.Create().WithPath("/Observation").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(401));
        // Hedges only after 1.4 s: on a busy machine a slow first attempt is not hedged, while a retry after the 401 would
        // still be sent at once, which is what this test is about.
        await using var app = new FetchingApplication(fhir, hedgeDelayFloorMilliseconds: 1400);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), fhir.Request(Example, "observations"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        // Never retried: one attempt per category search. Only this test's answers (401) are counted: a request an earlier
        // test left in flight can reach the shared server's log after it was reset.
        var refused = fhir.Calls("/Observation").Where(c => c.ResponseMessage.StatusCode is 401).ToList();
        Assert.NotEmpty(refused);
        Assert.Equal(refused.Count, refused.Select(c => c.RequestMessage.Query!["category"].Single()).Distinct().Count());
        Assert.Contains("observations", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenServerThatHangsOnOneKey_WhenFetched_ThenTheDeadlineHoldsAndTheAnswerNamesWhatIsMissing()
    {
        // The server holds its answer past the call's 2 s deadline (and every attempt's timeout).
        fhir.ServeExample(HttpJson.Example(Example), delayMilliseconds: 5_000, spreadMilliseconds: 0);

        var (status, body) = await Send(fhir.Request(Example, "observations"));

        // The answer comes from the deadline, not the server: the prefetched data is evaluated, the missing observations
        // are named as not answered in time, and the BP contraindication they would decide is an incomplete check.
        Assert.Equal(HttpStatusCode.OK, status);
        var incomplete = IncompleteDataCard(body);
        Assert.Contains("`observationsVitalSigns`", incomplete.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("did not answer in time", incomplete.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("KET-13-CRIT", HttpJson.Rules(body));
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenOptionalQueryFails_WhenFetched_ThenAnswerWithIncompleteCheckCard()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Server.Given(Request.Create().WithPath("/MedicationStatement").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));

        var (status, body) = await Send(fhir.Request(Example, "medicationStatements"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("detail").GetString()!.Contains("medicationStatements", StringComparison.Ordinal));
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenServerNotOnAllowlist_WhenKeysMissing_ThenNoCallAnd412()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example, "observations");
        request["fhirServer"] = fhir.BaseUrl.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/other";

        var (status, _) = await Send(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Empty(fhir.Calls());
    }

    [Fact]
    public async Task GivenFailingServer_WhenCircuitOpens_ThenNoMoreCallsAndTheAnswerComesFromThePrefetch()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Server.Given(Request.Create().WithPath("/Observation").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(500));
        await using var app = new FetchingApplication(fhir, circuitBreakerMinimumThroughput: 4);
        var client = app.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            await HttpJson.PostAsync(client, fhir.Request(Example, "observations"));
        }

        var callsBefore = fhir.Calls("/Observation").Count;
        var (status, body, _) = await HttpJson.PostAsync(client, fhir.Request(Example, "observations"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(callsBefore, fhir.Calls("/Observation").Count);
        Assert.Contains("calls to it are paused", IncompleteDataCard(body).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    internal static System.Text.Json.JsonElement IncompleteDataCard(System.Text.Json.JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("summary").GetString()!.StartsWith("Checks incomplete", StringComparison.Ordinal));
}
