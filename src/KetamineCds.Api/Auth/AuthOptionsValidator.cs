using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>Start-up validation of <see cref="AuthOptions"/>: the service will not run half-configured.</summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    private static readonly HashSet<string> Asymmetric = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>(EhrProfiles.Problems(options));
        if (!options.Enabled)
        {
            if (!environment.IsDevelopment() && !options.AllowDisabledOutsideDevelopment)
            {
                failures.Add("Auth:Enabled is false outside Development; set Auth:AllowDisabledOutsideDevelopment to true to run without authentication on purpose.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (!Uri.TryCreate(options.Audience, UriKind.Absolute, out _))
        {
            failures.Add("Auth:Audience must be the service's public base URL (https://…).");
        }

        if (options.TrustedIssuers.Count == 0)
        {
            failures.Add("Auth:TrustedIssuers is empty: no EHR could call the service.");
        }

        foreach (var issuer in options.TrustedIssuers)
        {
            if (string.IsNullOrWhiteSpace(issuer.Issuer))
            {
                failures.Add("Auth:TrustedIssuers: every entry needs an Issuer.");
            }

            if (issuer.JwksUri is null && issuer.AllowedJku.Count == 0)
            {
                failures.Add($"Auth:TrustedIssuers '{issuer.Issuer}': give a JwksUri or AllowedJku, or its keys cannot be found.");
            }

            // CDS Hooks 2.0 §JWT: "none" and symmetric (HMAC) algorithms SHALL NOT be used.
            foreach (var audience in issuer.Audiences.Where(a => !Uri.TryCreate(a, UriKind.Absolute, out _)))
            {
                failures.Add($"Auth:TrustedIssuers '{issuer.Issuer}': audience '{audience}' is not an absolute URL.");
            }

            foreach (var algorithm in issuer.Algorithms.Where(a => !Asymmetric.Contains(a)))
            {
                failures.Add($"Auth:TrustedIssuers '{issuer.Issuer}': algorithm '{algorithm}' is not allowed (asymmetric ES/RS/PS only).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
