using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>
/// An allowed FHIR server that redirects (CDS Hooks 2.0 §Security; SSRF): the service follows a redirect only to its
/// own fhirServer, never to another host or port, and the EHR's token never leaves the fhirServer's origin.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FhirRedirectTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string Example = "order-sign-bp-crisis.json";

    private async Task<System.Text.Json.JsonElement> SendWithoutObservations()
    {
        await using var app = new FetchingApplication(fhir);
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), fhir.Request(Example, "observations"));
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private void RedirectObservationsTo(string location) =>
        fhir.Server.Given(Request.Create().WithPath("/Observation").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", location));

    [Fact]
    public async Task GivenRedirectWithinTheFhirServer_WhenFetched_ThenFollowedWithTheTokenAndAdvisedOn()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Serve("/moved/Observation", FhirServerFixture.Body(HttpJson.Example(Example), "observations"));
        RedirectObservationsTo("/moved/Observation?patient=p1");

        var body = await SendWithoutObservations();

        Assert.Equal("critical", HttpJson.Indicator(body, "KET-13-CRIT")); // the BP came through the redirect
        Assert.NotEmpty(fhir.Calls("/moved/Observation"));
        Assert.All(fhir.Calls("/moved/Observation"), call => Assert.Equal($"Bearer {FhirServerFixture.Token}", call.RequestMessage.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task GivenRedirectToAnotherHost_WhenFetched_ThenNotFollowedAndNamedOnTheIncompleteCard()
    {
        using var other = WireMockServer.Start();
        other.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithBody(FhirServerFixture.Body(HttpJson.Example(Example), "observations")));
        fhir.ServeExample(HttpJson.Example(Example));
        RedirectObservationsTo($"{other.Url}/Observation?patient=p1");

        var body = await SendWithoutObservations();

        Assert.Empty(other.LogEntries); // neither the query nor the token reached it
        var detail = FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString()!;
        Assert.Contains("redirected the query off its own address", detail, StringComparison.Ordinal);
        Assert.Contains("`observationsVitalSigns`", detail, StringComparison.Ordinal);
        // The reading the other host holds was never read: the BP check is incomplete, not fired from elsewhere.
        Assert.DoesNotContain(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("186/112", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenRedirectToAnUnlistedLoopbackPort_WhenFetched_ThenNoConnectionIsMade()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            fhir.ServeExample(HttpJson.Example(Example));
            RedirectObservationsTo($"http://127.0.0.1:{port}/latest/meta-data/");

            var body = await SendWithoutObservations();

            Assert.False(listener.Pending(), "the service connected to the redirect's target");
            Assert.Contains("redirected the query off its own address", FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task GivenRedirectToASiblingPathOrTheSameHostUnderAnotherName_WhenFetched_ThenNotFollowed()
    {
        // The allowed base is http://localhost:PORT; 127.0.0.1:PORT is the same socket under another origin, which the
        // token was not issued for.
        fhir.ServeExample(HttpJson.Example(Example));
        RedirectObservationsTo(fhir.BaseUrl.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/moved/Observation");
        fhir.Serve("/moved/Observation", FhirServerFixture.Body(HttpJson.Example(Example), "observations"));

        var body = await SendWithoutObservations();

        Assert.Empty(fhir.Calls("/moved/Observation"));
        Assert.Contains("redirected the query off its own address", FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenRedirectLoopOnTheFhirServer_WhenFetched_ThenGivenUpAfterAFewHops()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        RedirectObservationsTo("/Observation?patient=p1&again=1");

        var body = await SendWithoutObservations();

        Assert.Contains("redirected the query off its own address", FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Four category searches, each at most one request and three hops, and never retried (the answer would be the same).
        Assert.InRange(fhir.Calls("/Observation").Count, 4, 4 * 4);
    }

    [Fact]
    public async Task GivenAnAllowedServerAtTheCloudMetadataAddress_WhenFetched_ThenNeverConnectedAndNamed()
    {
        var request = fhir.Request(Example, "observations");
        request["fhirServer"] = "http://169.254.169.254/fhir";
        await using var app = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Fhir:AllowedServers:0"] = "http://169.254.169.254/fhir",
            ["Fhir:DeadlineMilliseconds"] = "2000",
            ["Fhir:AttemptTimeoutMilliseconds"] = "1500",
        });

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("link-local or cloud metadata address", FhirFetchTests.IncompleteDataCard(body).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
