using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KetamineCds.Api.Tests;

/// <summary>An EHR's signing keys, made fresh in the test (ES384 and RS384), its JWKS, and tokens signed with them.</summary>
public sealed class EhrSigner : IDisposable
{
    public const string Issuer = "https://ehr.example.org";
    public const string Audience = "https://cds.example.org";

    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly RSA _rsa = RSA.Create(2048);

    public EhrSigner(string suffix = "1")
    {
        EcKey = new ECDsaSecurityKey(_ec) { KeyId = $"ec-{suffix}" };
        RsaKey = new RsaSecurityKey(_rsa) { KeyId = $"rsa-{suffix}" };
    }

    public ECDsaSecurityKey EcKey { get; }
    public RsaSecurityKey RsaKey { get; }

    /// <summary>The public JWKS of the given signers (for rotation tests, several).</summary>
    public static string Jwks(params EhrSigner[] signers)
    {
        var keys = signers.SelectMany(s => new[]
        {
            Public(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(s.EcKey), "ES384"),
            Public(JsonWebKeyConverter.ConvertFromRSASecurityKey(s.RsaKey), "RS384"),
        });
        return JsonSerializer.Serialize(new { keys });
    }

    private static Dictionary<string, string> Public(JsonWebKey key, string alg)
    {
        var jwk = new Dictionary<string, string> { ["kty"] = key.Kty, ["kid"] = key.Kid, ["alg"] = alg, ["use"] = "sig" };
        if (key.Kty == "EC")
        {
            jwk["crv"] = key.Crv;
            jwk["x"] = key.X;
            jwk["y"] = key.Y;
        }
        else
        {
            jwk["n"] = key.N;
            jwk["e"] = key.E;
        }

        return jwk;
    }

    public string Token(string path, string alg = "ES384", Action<Dictionary<string, object>>? payload = null, Dictionary<string, object>? header = null,
        DateTimeOffset? now = null)
    {
        var issued = now ?? DateTimeOffset.UtcNow; // authentication runs on the real clock, not the pinned clinical one
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience + path,
            ["exp"] = issued.AddMinutes(5).ToUnixTimeSeconds(),
            ["iat"] = issued.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        };
        payload?.Invoke(claims);
        SecurityKey key = alg.StartsWith("ES", StringComparison.Ordinal) ? EcKey : RsaKey;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, alg == "ES384" ? SecurityAlgorithms.EcdsaSha384 : SecurityAlgorithms.RsaSha384),
            AdditionalHeaderClaims = header,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public static string AlgNone(string path)
    {
        static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow;
        return $"{B64("""{"alg":"none","typ":"JWT","kid":"ec-1"}""")}.{B64($$"""{"iss":"{{Issuer}}","aud":"{{Audience + path}}","exp":{{now.AddMinutes(5).ToUnixTimeSeconds()}},"iat":{{now.ToUnixTimeSeconds()}},"jti":"{{Guid.NewGuid()}}"}""")}.";
    }

    /// <summary>The classic key-confusion attack: HS256 with the RSA public key's bytes as the HMAC secret.</summary>
    public string Hs256WithPublicKey(string path)
    {
        var secret = new SymmetricSecurityKey(_rsa.ExportSubjectPublicKeyInfo()) { KeyId = "rsa-1" };
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = Issuer, ["aud"] = Audience + path, ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
                ["iat"] = now.ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }

    public void Dispose()
    {
        _ec.Dispose();
        _rsa.Dispose();
    }
}
