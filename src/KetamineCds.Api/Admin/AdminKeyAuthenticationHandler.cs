using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using KetamineCds.Api.Core;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// The admin credential, separate from the EHR's JWT: <c>Admin:ApiKey</c>, presented as a bearer token by scripts or
/// as the password of HTTP Basic by a browser (any user name), so the preview page needs no login code of its own. An
/// authentication scheme behind the <see cref="Policy"/> policy that the admin endpoints carry as metadata. Compared in
/// constant time; wrong keys are counted per client address and lead to 429 (<see cref="AdminLockout"/>).
/// </summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> scheme,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    IOptions<AdminOptions> options,
    IHostEnvironment environment,
    AdminLockout lockout,
    CdsMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, loggers, encoder)
{
    public const string SchemeName = "AdminKey";
    public const string Policy = "admin";
    public const string Challenge = "Basic realm=\"KetamineCds admin\", charset=\"UTF-8\"";

    private static readonly object LockedOutKey = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = options.Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            // Without a key the admin endpoints are open in Development only; elsewhere they are closed (403).
            return Task.FromResult(environment.IsDevelopment() ? Admitted() : AuthenticateResult.Fail("no Admin:ApiKey is configured"));
        }

        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (lockout.IsLockedOut(address, out var retryAfter))
        {
            Context.Items[LockedOutKey] = retryAfter;
            metrics.AdminAuthenticationFailed("locked_out");
            return Task.FromResult(AuthenticateResult.Fail("client address locked out after repeated wrong admin keys"));
        }

        if (Presented(Request.Headers.Authorization.ToString()) is { } secret
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(key))))
        {
            lockout.Succeeded(address);
            return Task.FromResult(Admitted());
        }

        // A request with no credential at all is a browser's first try before its login prompt, not a guess.
        if (Request.Headers.Authorization.Count > 0)
        {
            metrics.AdminAuthenticationFailed("wrong_key");
            if (lockout.Failed(address))
            {
                metrics.AdminAuthenticationFailed("lockout_started");
            }

            if (lockout.FailureLine() is var count and > 0)
            {
                Logger.AdminKeyFailures(count, options.Value.FailureWindowSeconds);
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("admin key missing or wrong"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[LockedOutKey] is TimeSpan retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await OperationOutcomes.Result(StatusCodes.Status429TooManyRequests, Hl7.Fhir.Model.OperationOutcome.IssueType.Throttled,
                $"Too many wrong admin keys from this address; retry after {seconds} s.").ExecuteAsync(Context);
            return;
        }

        if (string.IsNullOrEmpty(options.Value.ApiKey))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
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
