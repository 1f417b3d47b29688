namespace KetamineCds.Api.Auth;

/// <summary>
/// Which JWKS verifies a token of a trusted issuer. CDS Hooks 2.0 §Trusting CDS Clients lets a token name its keys
/// with <c>jku</c>, and the best practices tell a service to fetch only <c>jku</c> URLs it trusts. An untrusted
/// <c>jku</c> is therefore ignored, never fetched, and the issuer's configured JWKS decides: clients such as the
/// CDS Hooks Sandbox always send a <c>jku</c>, and their key may well be in the configured set.
/// </summary>
/// <param name="Url">The JWKS to fetch, or null when the issuer has none this token may use.</param>
/// <param name="Path">Which rule chose it, for the log: <c>jku</c>, <c>configured</c>, <c>configured-jku-ignored</c> or <c>none</c>.</param>
public sealed record JwksSource(string? Url, string Path)
{
    public static JwksSource For(TrustedIssuer issuer, string? jku)
    {
        if (jku is not null && issuer.AllowedJku.Contains(jku, StringComparer.Ordinal))
        {
            return new JwksSource(jku, "jku");
        }

        if (issuer.JwksUri is not null)
        {
            return new JwksSource(issuer.JwksUri, jku is null ? "configured" : "configured-jku-ignored");
        }

        return new JwksSource(null, jku is null ? "none: no jku and no JwksUri" : "none: jku not allowed and no JwksUri");
    }
}
