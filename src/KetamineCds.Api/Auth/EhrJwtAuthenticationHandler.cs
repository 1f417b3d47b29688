using KetamineCds.Api.Core;
using System.Security.Claims;
using System.Text.Encodings.Web;
using KetamineCds.Api.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>
/// The EHR's JWT as an ASP.NET Core authentication scheme, applied to the CDS Hooks endpoints through the
/// <see cref="CdsAuthentication.EhrPolicy"/> policy they carry as metadata (no path matching). A refused token gets
/// 401 with no detail in the body (CDS Hooks best practices: "respond with a 401 with no details"); the reason is
/// logged and counted, the token never is. The principal carries the trusted issuer as <c>iss</c>.
/// </summary>
public sealed class EhrJwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> scheme,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    CdsJwtValidator validator,
    IOptions<AuthOptions> options,
    CdsMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, loggers, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            Logger.CallNotAuthenticated();
            return Success(new ClaimsIdentity(authenticationType: "authentication-disabled"));
        }

        var token = BearerToken.From(Request.Headers.Authorization.ToString());
        // The token's aud is the URL the EHR called: as routed, or as sent when the client doubled a slash (PathNormalization).
        var audience = settings.Audience!.TrimEnd('/');
        var sentPath = Context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget.Split('?')[0];
        string[] endpoints = [audience + Request.Path.Value!.TrimEnd('/'), .. sentPath is null ? [] : new[] { audience + Uri.UnescapeDataString(sentPath).TrimEnd('/') }];
        var check = await validator.CheckAsync(token, endpoints, Context.RequestAborted);
        if (!check.IsValid)
        {
            Logger.JwtRejected(check.Issuer ?? "(none)", check.Kind ?? "invalid", check.Reason!);
            metrics.JwtRejected(check.Kind ?? "invalid");
            return AuthenticateResult.Fail(check.Kind ?? "invalid");
        }

        Logger.JwtAccepted(check.Issuer!, check.KeySource!);
        return Success(new ClaimsIdentity([new Claim(CdsAuthentication.IssuerClaim, check.Issuer!)], CdsAuthentication.EhrScheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private static AuthenticateResult Success(ClaimsIdentity identity) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), CdsAuthentication.EhrScheme));
}
