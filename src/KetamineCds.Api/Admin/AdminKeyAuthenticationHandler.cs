using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// The admin credential, separate from the EHR's JWT: <c>Admin:ApiKey</c>, presented as a bearer token by scripts or
/// as the password of HTTP Basic by a browser (any user name), so the preview page needs no login code of its own. An
/// authentication scheme behind the <see cref="Policy"/> policy that the admin endpoints carry as metadata.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> scheme,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    IOptions<AdminOptions> options,
    IHostEnvironment environment)
    : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, loggers, encoder)
{
    public const string SchemeName = "AdminKey";
    public const string Policy = "admin";
    public const string Challenge = "Basic realm=\"KetamineCds admin\", charset=\"UTF-8\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = options.Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            // Without a key the admin endpoints are open in Development only; elsewhere they are closed (403).
            return Task.FromResult(environment.IsDevelopment() ? Admitted() : AuthenticateResult.Fail("no Admin:ApiKey is configured"));
        }

        return Task.FromResult(Presented(Request.Headers.Authorization.ToString()) is { } secret
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(key)))
                ? Admitted()
                : AuthenticateResult.Fail("admin key missing or wrong"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(options.Value.ApiKey))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
        return Task.CompletedTask;
    }

    private static AuthenticateResult Admitted() =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(authenticationType: SchemeName)), SchemeName));

    private static string? Presented(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is null)
        {
            return null;
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter;
        }

        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
                return pair.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? pair[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
