using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>The EHR's JWT (CDS Hooks 2.0 §Trusting CDS Clients) with real ES384/RS384 keys and a JWKS served by WireMock.</summary>
public sealed class AuthTests : IDisposable
{
    private const string Service = "/cds-services/ketamine-order-sign";
    private readonly WireMockServer _jwksServer = WireMockServer.Start();
    private readonly EhrSigner _ehr = new();

    public AuthTests() => ServeJwks(_ehr);

    public void Dispose()
    {
        _jwksServer.Stop();
        _ehr.Dispose();
    }

    private string JwksUrl => $"{_jwksServer.Url}/jwks.json";
    private string RogueJku => $"{_jwksServer.Url}/rogue.json";

    private void ServeJwks(params EhrSigner[] signers) =>
        _jwksServer.Given(Request.Create().WithPath("/jwks.json").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(EhrSigner.Jwks(signers)));

    private ConfiguredApplication App() => new(new Dictionary<string, string?>
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Audience"] = EhrSigner.Audience,
        ["Auth:TrustedIssuers:0:Issuer"] = EhrSigner.Issuer,
        ["Auth:TrustedIssuers:0:JwksUri"] = JwksUrl,
        ["Auth:TrustedIssuers:0:AllowedJku:0"] = JwksUrl,
        ["Auth:JwksRefreshSeconds"] = "0",
    });

    private static async Task<HttpStatusCode> Post(HttpClient client, string? token, string path = Service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("", await response.Content.ReadAsStringAsync()); // no detail in the body
        }

        return response.StatusCode;
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("RS384")]
    public async Task GivenValidToken_WhenCalled_Then200(string alg)
    {
        await using var app = App();

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), _ehr.Token(Service, alg)));
    }

    [Fact]
    public async Task GivenValidTokenForDiscovery_WhenCalled_Then200AndWithoutTokenThen401()
    {
        await using var app = App();
        var client = app.CreateClient();
        using var anonymous = await client.GetAsync("/cds-services");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _ehr.Token("/cds-services"));

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
            "expired" => _ehr.Token(Service, payload: p => { p["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds(); p["exp"] = now.AddMinutes(-10).ToUnixTimeSeconds(); }),
            "not yet valid" => _ehr.Token(Service, payload: p => p["nbf"] = now.AddMinutes(10).ToUnixTimeSeconds()),
            "issued in the future" => _ehr.Token(Service, payload: p => { p["iat"] = now.AddMinutes(10).ToUnixTimeSeconds(); p["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(); }),
            "wrong aud" => _ehr.Token(Service, payload: p => p["aud"] = "https://other.example.org/cds-services/ketamine-order-sign"),
            "aud of another service" => _ehr.Token("/cds-services/ketamine-order-select"),
            "unknown iss" => _ehr.Token(Service, payload: p => p["iss"] = "https://evil.example.org"),
            "untrusted jku" => stranger.Token(Service, header: new() { ["jku"] = RogueJku }),
            "alg none" => EhrSigner.AlgNone(Service),
            "HS256 with the public key" => _ehr.Hs256WithPublicKey(Service),
            "tampered payload" => Tamper(_ehr.Token(Service)),
            "signed by an unknown key" => stranger.Token(Service),
            "no jti" => _ehr.Token(Service, payload: p => p.Remove("jti")),
            _ => _ehr.Token(Service, payload: p => p["exp"] = now.AddHours(3).ToUnixTimeSeconds()),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, await Post(app.CreateClient(), token));
    }

    [Fact]
    public async Task GivenExtraClaimsFromEpic_WhenCalled_ThenAccepted()
    {
        await using var app = App();
        var token = _ehr.Token(Service, payload: p =>
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
        var token = _ehr.Token(Service);

        Assert.Equal(HttpStatusCode.OK, await Post(client, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(client, token));
    }

    [Fact]
    public async Task GivenAllowlistedJku_WhenCalled_ThenKeysComeFromIt()
    {
        await using var app = App();

        Assert.Equal(HttpStatusCode.OK, await Post(app.CreateClient(), _ehr.Token(Service, header: new() { ["jku"] = JwksUrl })));
    }

    [Fact]
    public async Task GivenKeyRotation_WhenTheEhrSignsWithANewKey_ThenAcceptedWithoutRestart()
    {
        await using var app = App();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await Post(client, _ehr.Token(Service)));

        using var rotated = new EhrSigner("2");
        _jwksServer.Reset();
        ServeJwks(_ehr, rotated);

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

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        // Everything else stays valid: only the signature no longer matches the payload.
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"jti\":\"", "\"jti\":\"x", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }
}
