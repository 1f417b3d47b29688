using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Auth;

/// <summary>
/// Configuration section <c>Auth</c>: which EHRs may call the service (CDS Hooks 2.0 §Trusting CDS Clients).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Require a valid EHR-signed JWT on every CDS Hooks call. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Outside Development the service refuses to start with <see cref="Enabled"/> false unless this is also set:
    /// turning authentication off must be a deliberate act, never a forgotten default. Default false.
    /// </summary>
    public bool AllowDisabledOutsideDevelopment { get; set; }

    /// <summary>The service's public base URL, e.g. <c>https://cds.example.org</c>; a token's <c>aud</c> must be the endpoint URL under it.</summary>
    public string? Audience { get; set; }

    /// <summary>The EHRs trusted to call, by issuer.</summary>
    public List<TrustedIssuer> TrustedIssuers { get; set; } = [];

    /// <summary>A site's changes to the shipped EHR profiles (<see cref="EhrProfiles.Shipped"/>), or profiles of its own, by name.</summary>
    public Dictionary<string, EhrProfileSettings> Profiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The profile for calls with no issuer (authentication off: development, the Sandbox). Default <c>spec</c>.</summary>
    public string DefaultProfile { get; set; } = EhrProfiles.Spec;

    /// <summary>Tolerated clock difference for <c>exp</c>, <c>nbf</c> and <c>iat</c>. Default 60 s.</summary>
    [Range(0, 600)]
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Longest accepted token lifetime (exp − iat); bounds how long a <c>jti</c> must be remembered. Default 60 minutes.</summary>
    [Range(1, 1440)]
    public int MaxTokenLifetimeMinutes { get; set; } = 60;

    /// <summary>Minimum time between two JWKS fetches of one URL when an unknown <c>kid</c> arrives (key rotation). Default 10 s.</summary>
    [Range(0, 3600)]
    public int JwksRefreshSeconds { get; set; } = 10;
}

public sealed class TrustedIssuer
{
    /// <summary>The <c>iss</c> value of the EHR's tokens (required; AuthOptionsValidator checks every entry).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Where the EHR publishes its JWKS (used when the token has no <c>jku</c>).</summary>
    public string? JwksUri { get; set; }

    /// <summary>JWKS URLs a token may name in its <c>jku</c> header; any other <c>jku</c> is rejected.</summary>
    public List<string> AllowedJku { get; set; } = [];

    /// <summary>
    /// The EHR product, by profile name (<c>epic</c>, <c>oracle-health</c>, <c>meditech</c>, <c>sandbox</c>, or one
    /// under <c>Auth:Profiles</c>): what its calls need (prefetch, card shapes, triggers). Unset: the spec's defaults.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// <c>aud</c> values this issuer's tokens may carry besides the endpoint URL called. Epic's <c>aud</c> is whatever
    /// the site typed at registration ("This must be manually configured by the health system"), often the base URL.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Accepted signing algorithms. Default ES384 and RS384 (the spec's recommendation); none and HMAC are never accepted.</summary>
    public List<string> Algorithms { get; set; } = ["ES384", "RS384"];
}
