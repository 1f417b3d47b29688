using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// A prefetch key whose data the record lacks (in whole or in part): what it holds in the card's words, what the rules
/// lose (a resource type, or one category of it, <c>Observation:survey</c>), and why.
/// </summary>
public sealed record UnavailableData(string Key, string What, string Unretrieved, string Reason)
{
    public static UnavailableData Of(PrefetchTemplate template, string reason) => new(template.Key, template.Describes, template.Unretrieved, reason);
}

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

    /// <summary>Entries about a patient other than the context's: never read, named (by key and resource) on their own card.</summary>
    public IReadOnlyList<SetAsideEntry> OtherPatient { get; init; } = [];

    /// <summary>Entries by their Bundle <c>fullUrl</c>, for <c>urn:uuid:</c> references.</summary>
    public IReadOnlyDictionary<string, Resource> ByFullUrl { get; init; } = new Dictionary<string, Resource>();

    /// <summary>Entries no rule could read, left unparsed.</summary>
    public int Skipped { get; init; }

    /// <summary>Whether the answer rests on part of the record: some data was neither prefetched nor fetched, or could not be read.</summary>
    public bool IsPartial => Unavailable.Count > 0 || SetAside.Count > 0;

    /// <summary>What the rules lose: resource types, or single categories of them (<see cref="UnretrievedPart"/>).</summary>
    public IReadOnlyList<string> UnretrievedTypes => [.. Unavailable.Select(u => u.Unretrieved).Distinct(StringComparer.Ordinal)];
}
