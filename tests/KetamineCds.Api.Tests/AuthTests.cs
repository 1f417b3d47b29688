using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>The EHR's JWT (CDS Hooks 2.0 §Trusting CDS Clients) with real ES384/RS384 keys and a JWKS served by WireMock.</summary>
[Trait("Category", "Integration")]
public sealed class AuthTests : IDisposable
{
    private const string Service = "/cds-services/ketamine-order-sign";
    private readonly TrustedEhr _trusted = new();

    public void Dispose() => _trusted.Dispose();

    private EhrSigner Ehr => _trusted.Signer;
    private string JwksUrl => _trusted.JwksUrl;
    private string RogueJku => _trusted.UrlOf("/rogue.json");

    private ConfiguredApplication App()
    {
        var settings = _trusted.Settings();
        settings["Auth:TrustedIssuers:0:AllowedJku:0"] = JwksUrl;
        settings["Auth:JwksRefreshSeconds"] = "0";
        return new ConfiguredApplication(settings);
    }

    private static async Task<HttpStatusCode> Post(HttpClient client, string? token, string path = Service)
    {
        var (status, body, _) = await HttpJson.SendAsync(client, path, HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), token);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal(JsonValueKind.Undefined, body.ValueKind); // no detail in the body
        }

        return status;
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("RS384")]
    public async Task GivenValidToken_WhenCalled_Then200(string alg)
    {
        await using var app = App();

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), Ehr.Token(Service, alg)));
    }

    [Fact]
    public async Task GivenValidTokenForDiscovery_WhenCalled_Then200AndWithoutTokenThen401()
    {
        await using var app = App();
        var client = app.CreateClient();
        using var anonymous = await client.GetAsync("/cds-services");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Ehr.Token("/cds-services"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string> Attacks() =>
    [
        "no token", "expired", "not yet valid", "issued in the future", "wrong aud", "aud of another service", "unknown iss", "untrusted jku",
        "alg none", "HS256 with the public key", "tampered payload", "signed by an unknown key", "no jti", "lifetime too long",
    ];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task GivenBadToken_WhenCalled_Then401WithNoDetail(string attack)
    {
        await using var app = App();
        using var stranger = new EhrSigner("stranger");
        var now = DateTimeOffset.UtcNow;
        var token = attack switch
        {
            "no token" => null,
            "expired" => Ehr.Token(Service, payload: p => { p["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds(); p["exp"] = now.AddMinutes(-10).ToUnixTimeSeconds(); }),
            "not yet valid" => Ehr.Token(Service, payload: p => p["nbf"] = now.AddMinutes(10).ToUnixTimeSeconds()),
            "issued in the future" => Ehr.Token(Service, payload: p => { p["iat"] = now.AddMinutes(10).ToUnixTimeSeconds(); p["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(); }),
            "wrong aud" => Ehr.Token(Service, payload: p => p["aud"] = "https://other.example.org/cds-services/ketamine-order-sign"),
            "aud of another service" => Ehr.Token("/cds-services/ketamine-order-select"),
            "unknown iss" => Ehr.Token(Service, payload: p => p["iss"] = "https://evil.example.org"),
            "untrusted jku" => stranger.Token(Service, header: new() { ["jku"] = RogueJku }),
            "alg none" => EhrSigner.AlgNone(Service),
            "HS256 with the public key" => Ehr.Hs256WithPublicKey(Service),
            "tampered payload" => Tamper(Ehr.Token(Service)),
            "signed by an unknown key" => stranger.Token(Service),
            "no jti" => Ehr.Token(Service, payload: p => p.Remove("jti")),
            _ => Ehr.Token(Service, payload: p => p["exp"] = now.AddHours(3).ToUnixTimeSeconds()),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, await Post(app.CreateClient(), token));
    }

    [Fact]
    public async Task GivenExtraClaimsFromEpic_WhenCalled_ThenAccepted()
    {
        await using var app = App();
        var token = Ehr.Token(Service, payload: p =>
        {
            p["sub"] = "cds-client-id";
            p["nbf"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
            p["tenant"] = "hospital-a";
        });

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), token));
    }

    [Fact]
    public async Task GivenReplayedJti_WhenCalledTwice_ThenSecond401()
    {
        await using var app = App();
        var client = app.CreateClient();
        var token = Ehr.Token(Service);

        Assert.Equal(HttpStatusCode.OK, await Post(client, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(client, token));
    }

    [Fact]
    public async Task GivenAllowlistedJku_WhenCalled_ThenKeysComeFromIt()
    {
        await using var app = App();

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), Ehr.Token(Service, header: new() { ["jku"] = JwksUrl })));
    }

    [Fact]
    public async Task GivenKeyRotation_WhenTheEhrSignsWithANewKey_ThenAcceptedWithoutRestart()
    {
        await using var app = App();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await Post(client, Ehr.Token(Service)));

        using var rotated = new EhrSigner("2");
        _trusted.ServeKeys(Ehr, rotated);

        Assert.Equal(HttpStatusCode.OK, await Post(client, rotated.Token(Service)));
    }

    [Fact]
    public async Task GivenHealthAndOpenApi_WhenCalledWithoutToken_ThenOpen()
    {
        await using var app = App();
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    /// <summary>
    /// One malformed token over HTTP: the answer is 401 with an empty body (the whole corpus of malformed shapes runs
    /// against the validator itself, without a host per case: <see cref="JwtValidatorTests"/>).
    /// </summary>
    [Fact]
    public async Task GivenMalformedToken_WhenCalled_Then401WithEmptyBody()
    {
        await using var app = App();
        using var request = new HttpRequestMessage(HttpMethod.Post, Service)
        {
            Content = new StringContent(HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + JwtValidatorTests.Malformed(Ehr, Service, "payload a JSON array"));

        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GivenSandboxStyleJkuNotAllowed_WhenTheKeyIsInTheConfiguredJwks_ThenAcceptedAndTheJkuNeverFetched()
    {
        var sink = new CapturingLogSink();
        var settings = _trusted.Settings();
        settings["Serilog:MinimumLevel:Override:KetamineCds"] = "Debug";
        await using var app = new LoggedApplication(settings, sink);
        var token = Ehr.Token(Service, header: new() { ["jku"] = RogueJku });

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), token));
        Assert.Equal(0, _trusted.RequestsTo("/rogue.json"));
        Assert.Contains(sink.Lines, l => l.Contains("accepted; keys from \"configured-jku-ignored\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenJkuNotAllowed_WhenTheKeyIsNotInTheConfiguredJwks_Then401AndTheJkuNeverFetched()
    {
        await using var app = App();
        using var stranger = new EhrSigner("stranger");
        // The stranger would publish its key at the jku it names; the service must not look there.
        var token = stranger.Token(Service, header: new() { ["jku"] = RogueJku });

        Assert.Equal(HttpStatusCode.Unauthorized, await Post(app.CreateClient(), token));
        Assert.Equal(0, _trusted.RequestsTo("/rogue.json"));
    }

    [Fact]
    public async Task GivenIssuerWithOnlyAllowedJku_WhenATokenNamesAnotherJku_Then401()
    {
        var settings = _trusted.Settings();
        settings.Remove("Auth:TrustedIssuers:0:JwksUri");
        settings["Auth:TrustedIssuers:0:AllowedJku:0"] = JwksUrl;
        await using var app = new ConfiguredApplication(settings);
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await Post(client, Ehr.Token(Service, header: new() { ["jku"] = JwksUrl })));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(client, Ehr.Token(Service, header: new() { ["jku"] = RogueJku })));
        Assert.Equal(0, _trusted.RequestsTo("/rogue.json"));
    }

    [Fact]
    public async Task GivenUnknownKid_WhenCalled_Then401LoggedAsUnknownKid()
    {
        var sink = new CapturingLogSink();
        await using var app = new LoggedApplication(_trusted.Settings(), sink);
        using var stranger = new EhrSigner("stranger");

        Assert.Equal(HttpStatusCode.Unauthorized, await Post(app.CreateClient(), stranger.Token(Service)));
        var rejection = Assert.Single(sink.Lines, l => l.Contains("rejected", StringComparison.Ordinal));
        Assert.Contains("\"unknown_kid\"", rejection, StringComparison.Ordinal);
        Assert.DoesNotContain("ArgumentOutOfRange", rejection, StringComparison.Ordinal);
    }


    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        // Everything else stays valid: only the signature no longer matches the payload.
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"jti\":\"", "\"jti\":\"x", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }
}
