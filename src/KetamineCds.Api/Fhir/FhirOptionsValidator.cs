using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Fhir;

/// <summary>Start-up check that the FHIR time budget fits together: an attempt must end inside the request's deadline.</summary>
public sealed class FhirOptionsValidator : IValidateOptions<FhirOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirOptions options) =>
        options.AttemptTimeoutMilliseconds < options.DeadlineMilliseconds
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Fhir:AttemptTimeoutMilliseconds ({options.AttemptTimeoutMilliseconds}) must be less than Fhir:DeadlineMilliseconds ({options.DeadlineMilliseconds}): every attempt has to end inside the request's deadline.");
}
