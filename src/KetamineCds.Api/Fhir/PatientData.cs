using Hl7.Fhir.Model;

namespace KetamineCds.Api.Fhir;

/// <summary>The assembled record, the data that could not be had, and how long fetching took.</summary>
public sealed record PatientData(IReadOnlyList<Resource> Resources, IReadOnlyList<string> UnavailableOptionalKeys, int QueriesSent, TimeSpan FetchTime);

/// <summary>Required data could not be had: the spec's 412 (§Prefetch, P-13), naming the keys and why.</summary>
/// <param name="Cause">The reason as one word for the 412 metric: no_fhir_server, fhir_not_https, fhir_not_allowed, fhir_failed.</param>
public sealed class RequiredDataUnavailableException(IReadOnlyList<string> keys, string reason, string cause)
    : Exception($"Required data unavailable ({string.Join(", ", keys)}): {reason}")
{
    public IReadOnlyList<string> Keys { get; } = keys;
    public string Reason { get; } = reason;
    public string Cause { get; } = cause;
}
