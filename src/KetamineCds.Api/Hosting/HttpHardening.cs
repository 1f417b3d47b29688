using KetamineCds.Api.Core;
using System.Globalization;
using System.Threading.RateLimiting;
using Hl7.Fhir.Model;
using KetamineCds.Api.Auth;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Hosting;

/// <summary>Body size limit, CORS for browser EHRs, per-issuer rate limiting, and security headers on every response.</summary>
public static class HttpHardening
{
    public const string CorsPolicy = "cds-clients";
    public const string PerIssuerPolicy = "per-issuer";

    /// <summary>The per-issuer rate limit on these endpoints; over it, 429 with Retry-After.</summary>
    public static TBuilder RequirePerIssuerRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerIssuerPolicy);

    internal static void Add(WebApplicationBuilder builder)
    {
        var limits = builder.AddValidatedOptions<HttpHardeningOptions, HttpHardeningOptionsValidator>(HttpHardeningOptions.Section);
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        });

        // CORS: CDS Hooks notes browser-based clients (the Sandbox among them) need it. Outside Development the origins
        // come from configuration, never "*"; in Development any origin, so a new user's first try with a browser EHR works
        // (UseCdsCors says so at start-up, as it does for disabled authentication).
        var anyOrigin = builder.Environment.IsDevelopment();
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            _ = anyOrigin ? policy.AllowAnyOrigin() : policy.WithOrigins([.. limits.AllowedOrigins]);
            policy.WithMethods("GET", "POST", "OPTIONS")
                .WithHeaders("Authorization", "Content-Type", "Accept")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));

        services.AddRateLimiter(limiter =>
        {
            // Per calling EHR (its JWT issuer; the client address when authentication is off), on the endpoints that
            // carry the policy as metadata (RequirePerIssuerRateLimit), never by matching paths.
            limiter.AddPolicy(PerIssuerPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.Issuer() ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.BurstPerIssuer,
                    TokensPerPeriod = limits.RequestsPerSecondPerIssuer,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await OperationOutcomes.Result(StatusCodes.Status429TooManyRequests, OperationOutcome.IssueType.Throttled,
                    $"Too many requests from this client; retry after {retryAfter} s.").ExecuteAsync(rejected.HttpContext);
            };
        });
    }

    /// <summary>CORS for browser EHRs, with a start-up warning when any origin may call (Development).</summary>
    internal static void UseCors(WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.Logger.CorsAllowsAnyOrigin();
        }

        app.UseCors(CorsPolicy);
    }

    /// <summary>Headers that keep a browser from sniffing, framing or caching clinical answers.</summary>
    internal static void UseSecurityHeaders(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    // Nothing but the admin page (which sets its own) is meant to render in a browser.
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}
