using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>
/// An EHR the service trusts: its signing keys (<see cref="EhrSigner"/>) and its JWKS endpoint (WireMock), with the
/// settings that make the service require and accept its tokens.
/// </summary>
public sealed class TrustedEhr : IDisposable
{
    private readonly WireMockServer _jwks = WireMockServer.Start();

    public TrustedEhr() => ServeKeys(Signer);

    public EhrSigner Signer { get; } = new();

    public string JwksUrl => $"{_jwks.Url}/jwks.json";

    /// <summary>Another URL on the EHR's key server (an untrusted <c>jku</c>, say).</summary>
    public string UrlOf(string path) => $"{_jwks.Url}{path}";

    /// <summary>Publishes these signers' public keys at <see cref="JwksUrl"/> (several, for key rotation).</summary>
    public void ServeKeys(params EhrSigner[] signers)
    {
        _jwks.Reset();
        _jwks.Given(Request.Create().WithPath("/jwks.json").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(EhrSigner.Jwks(signers)));
    }

    /// <summary>How many requests the EHR's key server got for a path (a JWKS URL the service must never fetch, say).</summary>
    public int RequestsTo(string path) => _jwks.LogEntries.Count(e => e.RequestMessage.Path == path);

    /// <summary>Configuration keys (<c>Auth:…</c>) that turn authentication on and trust this EHR.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Audience"] = EhrSigner.Audience,
        ["Auth:TrustedIssuers:0:Issuer"] = EhrSigner.Issuer,
        ["Auth:TrustedIssuers:0:JwksUri"] = JwksUrl,
    };

    /// <summary>The same settings as environment variables, for a service process.</summary>
    public static Dictionary<string, string?> AsEnvironment(IReadOnlyDictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    public void Dispose()
    {
        _jwks.Stop();
        Signer.Dispose();
    }
}
