using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KetamineCds.Api.Cli;

/// <summary>
/// Lets an admin act as an EHR against a test deployment: <c>token keygen</c> writes an ES384 key pair (PEM) and
/// its public JWKS; <c>token mint</c> signs a CDS Hooks JWT (iss, aud = endpoint URL, iat, exp, jti) with it.
/// </summary>
public static class TokenCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Where to write ehr-key.pem and jwks.json", DefaultValueFactory = _ => "." };
        var kid = new Option<string>("--kid") { Description = "Key id", DefaultValueFactory = _ => "test-ehr-1" };
        var keygen = new Command("keygen", "Write an ES384 private key (PEM) and its public JWKS") { folder, kid };
        keygen.SetAction(parse => Keygen(parse.GetValue(folder)!, parse.GetValue(kid)!));

        var key = new Option<string>("--key") { Description = "The private key PEM from keygen", Required = true };
        var issuer = new Option<string>("--issuer") { Description = "iss: the EHR's issuer as configured in Auth:TrustedIssuers", Required = true };
        var audience = new Option<string>("--audience") { Description = "aud: the endpoint URL called, e.g. https://cds.example.org/cds-services/ketamine-order-sign", Required = true };
        var mintKid = new Option<string>("--kid") { Description = "Key id (as in the JWKS)", DefaultValueFactory = _ => "test-ehr-1" };
        var jku = new Option<string?>("--jku") { Description = "Optional jku header (must be allowlisted by the service)" };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime", DefaultValueFactory = _ => 5 };
        var mint = new Command("mint", "Print a signed CDS Hooks JWT") { key, issuer, audience, mintKid, jku, minutes };
        mint.SetAction(parse => Mint(parse.GetValue(key)!, parse.GetValue(issuer)!, parse.GetValue(audience)!, parse.GetValue(mintKid)!,
            parse.GetValue(jku), parse.GetValue(minutes)));

        return new Command("token", "Test tokens: act as an EHR against a test deployment") { keygen, mint };
    }

    private static int Keygen(string folder, string kid)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ehr-key.pem"), ec.ExportECPrivateKeyPem());
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec) { KeyId = kid });
        var jwks = new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, alg = "ES384", use = "sig" } } };
        File.WriteAllText(Path.Combine(folder, "jwks.json"), JsonSerializer.Serialize(jwks, Indented));
        Console.WriteLine($"wrote {Path.Combine(folder, "ehr-key.pem")} (keep private) and {Path.Combine(folder, "jwks.json")} (publish; set Auth:TrustedIssuers:0:JwksUri to its URL)");
        return 0;
    }

    private static int Mint(string keyFile, string issuer, string audience, string kid, string? jku, int minutes)
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(File.ReadAllText(keyFile));
        // The real clock: this token is for calling a running service now.
        var now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = issuer,
                ["aud"] = audience,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = now.AddMinutes(minutes).ToUnixTimeSeconds(),
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384),
            AdditionalHeaderClaims = jku is null ? null : new Dictionary<string, object> { ["jku"] = jku },
        };
        Console.WriteLine(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor));
        return 0;
    }
}
