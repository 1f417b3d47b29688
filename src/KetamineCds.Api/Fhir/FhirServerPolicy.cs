namespace KetamineCds.Api.Fhir;

/// <summary>
/// Where the service may send a FHIR query and the EHR's access token: one check for the request's <c>fhirServer</c>,
/// its Bundles' <c>next</c> links and its servers' redirects, so no path around the allow-list exists.
/// </summary>
public static class FhirServerPolicy
{
    /// <summary>Why the service may not call <paramref name="server"/> on a request's say-so, in the card's words; null when it may.</summary>
    /// <param name="allowed">Fhir:AllowedServers; empty allows every server in Development and none elsewhere.</param>
    public static string? Refusal(Uri server, IReadOnlyList<string> allowed, bool isDevelopment)
    {
        if (server.Scheme != Uri.UriSchemeHttps && !isDevelopment)
        {
            // CDS Hooks 2.0 §Security: production data only over TLS; the token must never travel in clear.
            return "not prefetched, and the fhirServer is not https";
        }

        var permitted = allowed.Count == 0
            ? isDevelopment
            : allowed.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var entry) && SameBase(entry, server));
        return permitted ? null : "not prefetched, and the fhirServer is not on this service's allowlist";
    }

    /// <summary>
    /// Whether <paramref name="target"/> lies on the FHIR server whose base is <paramref name="baseUrl"/>: the same
    /// scheme, host and port (the token's origin, RFC 6454) and a path under the base's path, compared by whole segments,
    /// so <c>https://ehr.example/fhir</c> covers <c>/fhir/Observation</c> but neither <c>/fhir-evil</c> nor
    /// <c>https://ehr.example.attacker.test</c>. A plain string prefix covers both.
    /// </summary>
    public static bool IsUnder(Uri baseUrl, Uri target)
    {
        if (!SameOrigin(baseUrl, target) || !string.IsNullOrEmpty(target.UserInfo))
        {
            return false;
        }

        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var path = target.AbsolutePath;
        return path.Equals(basePath, StringComparison.OrdinalIgnoreCase) || path.StartsWith(basePath + "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Scheme, host and port alike: where a bearer token may travel (RFC 6750 §5.3 "validate TLS certificate chains", RFC 6454 origins).</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme.Equals(b.Scheme, StringComparison.OrdinalIgnoreCase)
        && a.IdnHost.Equals(b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    // An allow-list entry names one base; the request's fhirServer must be that base (a trailing slash aside).
    private static bool SameBase(Uri entry, Uri server) =>
        SameOrigin(entry, server) && entry.AbsolutePath.TrimEnd('/').Equals(server.AbsolutePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
