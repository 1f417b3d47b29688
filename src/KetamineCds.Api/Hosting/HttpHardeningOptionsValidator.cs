using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Hosting;

/// <summary>Start-up check of the CORS allowlist: each entry an origin (scheme, host, optional port; no path), as browsers send it.</summary>
public sealed class HttpHardeningOptionsValidator : IValidateOptions<HttpHardeningOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpHardeningOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || o.EndsWith('/'))
            .Select(o => $"Http:AllowedOrigins: '{o}' is not an origin (https://host[:port], no path or trailing slash).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
