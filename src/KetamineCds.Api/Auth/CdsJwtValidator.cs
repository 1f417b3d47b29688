using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KetamineCds.Api.Auth;

/// <summary>The outcome of checking an EHR's JWT: the trusted issuer, or why the token was refused (for the log only).</summary>
/// <param name="Kind">The reason as one low-cardinality word, for the rejection metric.</param>
/// <param name="KeySource">Where the signing keys were looked up (see <see cref="JwksSource"/>), once known.</param>
public sealed record JwtCheck(string? Issuer, string? Reason, string? Kind = null, string? KeySource = null)
{
    public bool IsValid => Reason is null;
}

/// <summary>
/// Verifies the EHR's JWT as CDS Hooks 2.0 §Trusting CDS Clients and its best practices require: a trusted
/// <c>iss</c>; its keys from <c>jku</c> when allowlisted, else from the configured JWKS (<see cref="JwksSource"/>);
/// a <c>kid</c> that set holds, <c>typ</c>;
/// an allowlisted asymmetric <c>alg</c>; the signature; <c>aud</c> equal to the endpoint called (or an audience the issuer is configured with); <c>exp</c>,
/// <c>nbf</c> and <c>iat</c> with a small skew; and a <c>jti</c> not seen before. Extra claims are accepted.
/// </summary>
public sealed class CdsJwtValidator(JwksCache jwks, IReplayCache replays, IOptions<AuthOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async Task<JwtCheck> CheckAsync(string? token, IReadOnlyList<string> endpointUrls, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(token) || !Handler.CanReadToken(token))
        {
            return new JwtCheck(null, "no bearer token, or not a JWT", "no_token");
        }

        JsonWebToken jwt;
        string? jku;
        try
        {
            // CanReadToken checks only the shape (three base64url segments). Decoding can still fail on a header
            // or payload that is not JSON, or on claims of the wrong JSON type: that is a malformed token, a 401.
            jwt = Handler.ReadJsonWebToken(token);
            _ = (jwt.Issuer, jwt.Alg, jwt.Kid, jwt.Typ, jwt.Id, jwt.ValidTo);
            jku = jwt.TryGetHeaderValue<string>("jku", out var headerJku) ? headerJku : null;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidOperationException or SecurityTokenException)
        {
            return new JwtCheck(null, $"malformed token ({ex.GetType().Name})", "malformed");
        }

        var trusted = settings.TrustedIssuers.FirstOrDefault(i => string.Equals(i.Issuer, jwt.Issuer, StringComparison.Ordinal));
        if (trusted is null)
        {
            return new JwtCheck(jwt.Issuer, "issuer is not trusted", "untrusted_issuer");
        }

        if (!trusted.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return new JwtCheck(trusted.Issuer, $"algorithm '{jwt.Alg}' is not allowed", "algorithm");
        }

        if (string.IsNullOrEmpty(jwt.Kid) || !string.Equals(jwt.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
        {
            return new JwtCheck(trusted.Issuer, "header lacks kid or typ JWT", "header");
        }

        var source = JwksSource.For(trusted, jku);
        if (source.Url is null)
        {
            return new JwtCheck(trusted.Issuer, $"no JWKS to verify against ({source.Path})", "jku", source.Path);
        }

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await jwks.KeysAsync(source.Url, jwt.Kid, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            return new JwtCheck(trusted.Issuer, $"JWKS could not be fetched ({ex.GetType().Name}; {source.Path})", "jwks_unavailable", source.Path);
        }

        if (!keys.Any(k => string.Equals(k.KeyId, jwt.Kid, StringComparison.Ordinal)))
        {
            return new JwtCheck(trusted.Issuer, $"kid is not in the issuer's JWKS ({source.Path})", "unknown_kid", source.Path);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = trusted.Issuer,
            // The endpoint called (spec: aud is the service's endpoint URL), and what this site registered for its EHR.
            ValidAudiences = [.. endpointUrls.Concat(trusted.Audiences.Select(a => a.TrimEnd('/'))).Distinct(StringComparer.Ordinal)
                .SelectMany(url => new[] { url, url + "/" })],
            IssuerSigningKeys = keys,
            ValidAlgorithms = trusted.Algorithms,
            ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            TryAllIssuerSigningKeys = false,
            LifetimeValidator = (notBefore, expires, _, p) => expires is not null
                && expires.Value.AddSeconds(settings.ClockSkewSeconds) >= time.GetUtcNow().UtcDateTime
                && (notBefore is null || notBefore.Value.AddSeconds(-settings.ClockSkewSeconds) <= time.GetUtcNow().UtcDateTime),
        };
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return new JwtCheck(trusted.Issuer, $"token rejected: {result.Exception?.GetType().Name ?? "invalid"} ({source.Path})", KindOf(result.Exception), source.Path);
        }

        return await CheckIssuedAtAndReplayAsync(jwt, trusted.Issuer, settings, cancellationToken) with { KeySource = source.Path };
    }

    private async Task<JwtCheck> CheckIssuedAtAndReplayAsync(JsonWebToken jwt, string issuer, AuthOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat))
        {
            return new JwtCheck(issuer, "iat is missing", "issued_at");
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (issuedAt > now.AddSeconds(settings.ClockSkewSeconds))
        {
            return new JwtCheck(issuer, "iat is in the future", "issued_at");
        }

        if (expires - issuedAt > TimeSpan.FromMinutes(settings.MaxTokenLifetimeMinutes))
        {
            return new JwtCheck(issuer, "token lifetime exceeds the configured maximum", "lifetime_too_long");
        }

        if (string.IsNullOrEmpty(jwt.Id))
        {
            return new JwtCheck(issuer, "jti is missing", "jti_missing");
        }

        return await replays.TryAddAsync(issuer, jwt.Id, expires.AddSeconds(settings.ClockSkewSeconds), cancellationToken)
            ? new JwtCheck(issuer, null)
            : new JwtCheck(issuer, "jti was already used (replay)", "replay");
    }

    private static string KindOf(Exception? exception) => exception switch
    {
        // The lifetime check is ours (exp and nbf with the configured skew): one kind for both.
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenInvalidLifetimeException => "expired_or_not_yet_valid",
        SecurityTokenInvalidAudienceException => "audience",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "signature",
        _ => "invalid",
    };
}
