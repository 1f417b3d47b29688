using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>
/// Authenticates every CDS Hooks call (discovery, services, feedback) before it reaches an endpoint. A refused token
/// gets 401 with no detail in the body (best practices: "respond with a 401 with no details"); the reason is logged,
/// the token never is. Health and OpenAPI endpoints are not CDS Hooks calls and stay open.
/// </summary>
public sealed class CdsAuthenticationMiddleware(RequestDelegate next, IOptions<AuthOptions> options, ILogger<CdsAuthenticationMiddleware> logger)
{
    public const string IssuerItem = "cds-issuer";

    public async Task InvokeAsync(HttpContext context, CdsJwtValidator validator, Telemetry.CdsMetrics metrics)
    {
        if (!context.Request.Path.StartsWithSegments("/cds-services", StringComparison.Ordinal) || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context);
            return;
        }

        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.AuthenticationDisabled();
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        // The token's aud is the URL the EHR called: as routed, or as sent when the client doubled a slash (PathNormalization).
        var audience = settings.Audience!.TrimEnd('/');
        var sentPath = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget.Split('?')[0];
        string[] endpoints = [audience + context.Request.Path.Value!.TrimEnd('/'), .. sentPath is null ? [] : new[] { audience + Uri.UnescapeDataString(sentPath).TrimEnd('/') }];
        var check = await validator.CheckAsync(token, endpoints, context.RequestAborted);
        if (!check.IsValid)
        {
            logger.JwtRejected(check.Issuer ?? "(none)", check.Kind ?? "invalid", check.Reason!);
            metrics.JwtRejected(check.Kind ?? "invalid");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return;
        }

        logger.JwtAccepted(check.Issuer!, check.KeySource!);
        context.Items[IssuerItem] = check.Issuer;
        await next(context);
    }
}
