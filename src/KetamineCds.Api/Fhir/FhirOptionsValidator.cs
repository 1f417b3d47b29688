using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Start-up checks of the FHIR settings: an attempt must end inside the request's deadline, and every allowed server
/// must be an absolute http(s) URL (a typo would otherwise silently allow nothing).
/// </summary>
public sealed class FhirOptionsValidator : IValidateOptions<FhirOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirOptions options)
    {
        var failures = new List<string>();
        if (options.AttemptTimeoutMilliseconds >= options.DeadlineMilliseconds)
        {
            failures.Add($"Fhir:AttemptTimeoutMilliseconds ({options.AttemptTimeoutMilliseconds}) must be less than Fhir:DeadlineMilliseconds ({options.DeadlineMilliseconds}): every attempt has to end inside the request's deadline.");
        }

        foreach (var server in options.AllowedServers.Where(s => !Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"Fhir:AllowedServers: '{server}' is not an absolute http(s) URL of a FHIR base.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
