using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Advice under a FHIR server's real latency (no prefetch: the service fetches all eight keys): answers rest on the
/// data that arrived and name what did not; slow searches are hedged; 412 only when there is nothing to evaluate.
/// Delays are spread, never fixed, as a real server's are.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FhirLatencyTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string Example = "order-sign-bp-crisis.json";

    private JsonNode NoPrefetch()
    {
        var request = fhir.Request(Example);
        request.AsObject().Remove("prefetch");
        return request;
    }

    [Fact]
    public async Task GivenOneSlowKeyOfEight_WhenOrderSigned_Then200WithTheOtherCardsAndTheIncompleteCardNamingThatKey()
    {
        var example = HttpJson.Example(Example);
        fhir.ServeExample(example);
        // Allergies hang past the 2 s deadline; the other seven answer in 10-30 ms.
        fhir.Serve("/AllergyIntolerance", FhirServerFixture.Body(example, "allergies"), delayMilliseconds: 5_000, priority: 1);
        await using var app = new FetchingApplication(fhir);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), NoPrefetch());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(CardContract.Violations(body));
        var cards = body.GetProperty("cards").EnumerateArray().ToList();
        // The BP crisis, decided on the observations that did arrive, still leads.
        Assert.Equal("KET-13-CRIT", HttpJson.Rules(body).First());
        Assert.Equal("critical", cards[0].GetProperty("indicator").GetString());
        // Then, first of the warnings, what could not be checked and why.
        Assert.Equal("warning", cards[1].GetProperty("indicator").GetString());
        Assert.Contains("allergies", cards[1].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("`allergies`): not retrieved, the EHR's FHIR server did not answer in time", cards[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The ketamine-allergy contraindication could not be ruled out: an incomplete check, never silence.
        Assert.Contains(cards, c => c.GetProperty("summary").GetString()!.StartsWith("Check incomplete", StringComparison.Ordinal)
            && c.GetProperty("extension").GetProperty("org.ketaminecds.rule").GetString()!.StartsWith("KET-12@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenEveryKeyFailing_WhenOrderSignedWithoutPrefetch_Then412()
    {
        fhir.Server.Reset();
        foreach (var path in FhirServerFixture.Paths.Values)
        {
            fhir.Serve(path, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]}""", status: 500, spreadMilliseconds: 10);
        }

        await using var app = new FetchingApplication(fhir);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), NoPrefetch());

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task GivenAFirstAttemptThatHangs_WhenFetched_ThenTheHedgedCopyWinsAndTheAnswerIsComplete()
    {
        var example = HttpJson.Example(Example);
        fhir.ServeExample(example);
        // The first observation search hangs (a stuck server worker) until the test ends; any later copy answers in
        // 20-40 ms. Nothing waits on wall time: the hedge is sent after the 200 ms floor, long before the 2.5 s timeout.
        var observations = FhirServerFixture.Body(example, "observations");
        var searches = 0;
        var stuck = new TaskCompletionSource();
        fhir.Server.Given(Request.Create().WithPath("/Observation").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                await (Interlocked.Increment(ref searches) == 1 ? stuck.Task : Task.Delay(Random.Shared.Next(20, 40)));
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/fhir+json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = observations, DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
        var log = new CapturingLogSink();
        await using var app = new LoggedApplication(new Dictionary<string, string?>
        {
            ["Fhir:AllowedServers:0"] = fhir.BaseUrl,
            ["Fhir:DeadlineMilliseconds"] = "3000",
            ["Fhir:AttemptTimeoutMilliseconds"] = "2500",
        }, log);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), NoPrefetch());
        stuck.SetResult();

        Assert.Equal(HttpStatusCode.OK, status);
        // The stuck attempt never answers, past the 2.5 s attempt timeout: the answer came from a copy sent while it
        // was still waiting (a hedge, not a retry after it failed), and the request's log event counts it.
        var requestEvent = Assert.Single(log.Lines, l => l.Contains("FhirHedged=", StringComparison.Ordinal));
        Assert.DoesNotContain("FhirHedged=0", requestEvent, StringComparison.Ordinal);
        Assert.Contains("FhirRetried=0", requestEvent, StringComparison.Ordinal);
        Assert.DoesNotContain(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("incomplete", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }

    [Fact]
    public async Task GivenAColdServiceAndAServerAnsweringIn200Ms_WhenTheFirstCallFetchesEverything_ThenTheAnswerIsComplete()
    {
        var example = HttpJson.Example(Example);
        fhir.ServeExample(example, delayMilliseconds: 200, spreadMilliseconds: 50);
        // The shipped time budget: no test overrides of the deadline or the attempt timeout.
        await using var app = new ConfiguredApplication(new Dictionary<string, string?> { ["Fhir:AllowedServers:0"] = fhir.BaseUrl });

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), NoPrefetch());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("incomplete", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT"));
    }
}
