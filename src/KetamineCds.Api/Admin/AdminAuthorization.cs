using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// The admin credential, separate from the EHR's JWT: <c>Admin:ApiKey</c>, presented as a bearer token by scripts or
/// as the password of HTTP Basic by a browser (any user name), so the preview page needs no login code of its own.
/// </summary>
public static class AdminAuthorization
{
    public const string Challenge = "Basic realm=\"KetamineCds admin\", charset=\"UTF-8\"";

    public static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment()
                ? await next(context)
                : Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (Presented(http.Request.Headers.Authorization.ToString()) is { } secret
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(key))))
        {
            return await next(context);
        }

        http.Response.Headers.WWWAuthenticate = Challenge;
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

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
