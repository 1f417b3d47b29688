using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.CdsHooks;

/// <summary>A prefetch key whose data the record lacks (in whole or in part), the resource type it holds, and why, in words for the card.</summary>
public sealed record UnavailableData(string Key, string ResourceType, string Reason);

/// <summary>
/// The assembled record, the data that could not be had (so the rules that read it are undecidable), the entries
/// that could not be read (set aside, each named), and what fetching took: queries sent, extra attempts (hedges and
/// retries), queries that ran out of time.
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
    /// <summary>Entries a rule could read that could not be read: set aside and named on the incomplete card.</summary>
    public IReadOnlyList<SetAsideEntry> SetAside { get; init; } = [];

    /// <summary>Entries by their Bundle <c>fullUrl</c>, for <c>urn:uuid:</c> references.</summary>
    public IReadOnlyDictionary<string, Resource> ByFullUrl { get; init; } = new Dictionary<string, Resource>();

    /// <summary>Entries no rule could read, left unparsed.</summary>
    public int Skipped { get; init; }

    /// <summary>Whether the answer rests on part of the record: some data was neither prefetched nor fetched, or could not be read.</summary>
    public bool IsPartial => Unavailable.Count > 0 || SetAside.Count > 0;

    public IReadOnlyList<string> UnretrievedTypes => [.. Unavailable.Select(u => u.ResourceType).Distinct(StringComparer.Ordinal)];
}
