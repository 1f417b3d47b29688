using Hl7.Fhir.Model;

namespace KetamineCds.Api.CdsHooks;

/// <summary>A prefetch key whose data the record lacks, the resource type it holds, and why, in words for the card.</summary>
public sealed record UnavailableData(string Key, string ResourceType, string Reason);

/// <summary>
/// The assembled record, the data that could not be had (so the rules that read it are undecidable), and what
/// fetching took: queries sent, extra attempts (hedges and retries), queries that ran out of time.
/// </summary>
public sealed record PatientData(
    IReadOnlyList<Resource> Resources,
    IReadOnlyList<UnavailableData> Unavailable,
    int QueriesSent,
    TimeSpan FetchTime,
    int Hedged = 0,
    int Retried = 0,
    int TimedOut = 0)
{
    /// <summary>Whether the answer rests on part of the record: some data was neither prefetched nor fetched.</summary>
    public bool IsPartial => Unavailable.Count > 0;

    public IReadOnlyList<string> UnretrievedTypes => [.. Unavailable.Select(u => u.ResourceType).Distinct(StringComparer.Ordinal)];
}
