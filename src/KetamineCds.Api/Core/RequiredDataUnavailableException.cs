namespace KetamineCds.Api.Core;

/// <summary>
/// Nothing can be evaluated: the spec's 412 (§Prefetch, P-13), naming the keys and why. Only when required data was
/// not prefetched and cannot be fetched at all (no, disallowed or refusing FHIR server), or not one query answered.
/// </summary>
/// <param name="Cause">The reason as one word for the 412 metric: no_fhir_server, fhir_not_https, fhir_not_allowed, fhir_refused, fhir_failed.</param>
public sealed class RequiredDataUnavailableException(IReadOnlyList<string> keys, string reason, string cause)
    : Exception($"Required data unavailable ({string.Join(", ", keys)}): {reason}")
{
    public IReadOnlyList<string> Keys { get; } = keys;
    public string Reason { get; } = reason;
    public string Cause { get; } = cause;
}
