using System.Text;
using KetamineCds.Api.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Tokens that are not well-formed JWTs, or whose claims have the wrong JSON types, checked by the validator itself
/// (no host per case): each is refused with a reason, never accepted and never an exception. The HTTP answer to a
/// refused token (401, empty body) is <see cref="AuthTests.GivenMalformedToken_WhenCalled_Then401WithEmptyBody"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JwtValidatorTests : IDisposable
{
    private const string Service = "/cds-services/ketamine-order-sign";
    private readonly TrustedEhr _trusted = new();
    private readonly ServiceProvider _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public void Dispose()
    {
        _trusted.Dispose();
        _http.Dispose();
    }

    public static TheoryData<string> MalformedTokens() =>
    [
        "x.y.z", "header not JSON", "header a JSON array", "header a JSON string", "payload not JSON", "payload a JSON array",
        "kid a number", "typ a number", "alg an object", "iss a number", "jku a number", "iat a string", "exp a string", "jti a number",
        "two segments", "five segments", "empty segments", "not base64url", "signature not base64url", "100 KB token", "non-ASCII",
        "Bearer and spaces", "Basic scheme", "bearer twice",
    ];

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public async Task GivenMalformedToken_WhenChecked_ThenRefusedWithAReason(string shape)
    {
        var token = BearerToken.From(Header(_trusted.Signer, shape));

        var check = await Validator().CheckAsync(token, [EhrSigner.Audience + Service], CancellationToken.None);

        Assert.False(check.IsValid, $"{shape} was accepted");
        Assert.False(string.IsNullOrEmpty(check.Kind));
    }

    [Fact]
    public async Task GivenAWellFormedToken_WhenChecked_ThenAccepted()
    {
        var token = BearerToken.From("Bearer " + _trusted.Signer.Token(Service));

        var check = await Validator().CheckAsync(token, [EhrSigner.Audience + Service], CancellationToken.None);

        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(EhrSigner.Issuer, check.Issuer);
    }

    private CdsJwtValidator Validator()
    {
        var options = Options.Create(new AuthOptions
        {
            Audience = EhrSigner.Audience,
            TrustedIssuers = [new TrustedIssuer { Issuer = EhrSigner.Issuer, JwksUri = _trusted.JwksUrl }],
            JwksRefreshSeconds = 0,
        });
        return new CdsJwtValidator(new JwksCache(_http.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System),
            new InMemoryReplayCache(TimeProvider.System), options, TimeProvider.System);
    }

    /// <summary>The Authorization header carrying a token of the given malformed shape.</summary>
    private static string Header(EhrSigner ehr, string shape) => shape switch
    {
        "Bearer and spaces" => "Bearer    ",
        "Basic scheme" => "Basic dXNlcjpwYXNz",
        "bearer twice" => "Bearer Bearer " + ehr.Token(Service),
        _ => "Bearer " + Malformed(ehr, Service, shape),
    };

    /// <summary>A token of one malformed shape, for the validator's corpus and the one HTTP case.</summary>
    public static string Malformed(EhrSigner ehr, string path, string shape)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = $$"""{"iss":"{{EhrSigner.Issuer}}","aud":"{{EhrSigner.Audience + path}}","exp":{{now.AddMinutes(5).ToUnixTimeSeconds()}},"iat":{{now.ToUnixTimeSeconds()}},"jti":"{{Guid.NewGuid()}}"}""";
        const string Header = """{"alg":"ES384","typ":"JWT","kid":"ec-1"}""";
        static string Jwt(string header, string payload, string signature = "c2ln") => $"{B64(header)}.{B64(payload)}.{signature}";
        return shape switch
        {
            "x.y.z" => "x.y.z",
            "header not JSON" => Jwt("not json", claims),
            "header a JSON array" => Jwt("[1,2,3]", claims),
            "header a JSON string" => Jwt("\"ES384\"", claims),
            "payload not JSON" => Jwt(Header, "{iss: nope"),
            "payload a JSON array" => Jwt(Header, "[]"),
            "kid a number" => Jwt(Header.Replace("\"ec-1\"", "5", StringComparison.Ordinal), claims),
            "typ a number" => Jwt(Header.Replace("\"JWT\"", "1", StringComparison.Ordinal), claims),
            "alg an object" => Jwt(Header.Replace("\"ES384\"", "{}", StringComparison.Ordinal), claims),
            "iss a number" => Jwt(Header, claims.Replace($"\"{EhrSigner.Issuer}\"", "42", StringComparison.Ordinal)),
            "jku a number" => Jwt(Header.Replace("}", ",\"jku\":7}", StringComparison.Ordinal), claims),
            "iat a string" => ehr.Token(path, payload: p => p["iat"] = "yesterday"),
            "exp a string" => ehr.Token(path, payload: p => p["exp"] = "soon"),
            "jti a number" => ehr.Token(path, payload: p => p["jti"] = 12345),
            "two segments" => string.Join('.', ehr.Token(path).Split('.')[..2]),
            "five segments" => ehr.Token(path) + ".a.b",
            "empty segments" => "..",
            "not base64url" => "!!!.@@@.###",
            "signature not base64url" => Jwt(Header, claims, "%%%"),
            "100 KB token" => Jwt(Header, claims.Replace("\"jti\"", $"\"pad\":\"{new string('a', 100_000)}\",\"jti\"", StringComparison.Ordinal)),
            "non-ASCII" => Jwt("""{"alg":"ES384","typ":"JWT","kid":"ключ"}""", claims),
            // A misspelt row must fail here, not quietly become another case.
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "no such malformed shape"),
        };
    }

    private static string B64(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
