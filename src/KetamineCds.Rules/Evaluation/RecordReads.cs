using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// What the active rules of a compiled pack read from a patient's record: the resource types their facts read, and for
/// observations, each value set they read with the longest look-back it is read with (null: all history, as a treatment
/// course's scores are). Derived when the pack compiles, so a rule admin who adds a rule or a value set gets its data
/// without a code change; the record filter and the FHIR queries are made from it.
/// </summary>
public sealed class RecordReads
{
    private readonly Dictionary<ValueSetIndex, (bool Unbounded, LookBack? Window)> _observations = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _types = new(StringComparer.Ordinal);

    /// <summary>FHIR resource types some active rule's fact reads.</summary>
    public IReadOnlySet<string> ResourceTypes => _types;

    internal void AddType(string resourceType) => _types.Add(resourceType);

    /// <summary>Records that a fact reads observations coded in <paramref name="set"/> within <paramref name="window"/> (null: all history).</summary>
    internal void AddObservations(ValueSetIndex set, LookBack? window)
    {
        _types.Add("Observation");
        if (_observations.TryGetValue(set, out var known))
        {
            _observations[set] = known.Unbounded || window is null ? (true, null) : (false, Longer(known.Window!, window));
        }
        else
        {
            _observations[set] = (window is null, window);
        }
    }

    /// <summary>The observation value sets with their longest window (null window: all history).</summary>
    public IEnumerable<(ValueSetIndex Set, LookBack? Window)> Observations => _observations.Select(o => (o.Key, o.Value.Unbounded ? null : o.Value.Window));

    /// <summary>
    /// The observation categories the rules read, each with the longest window any of its sets is read with (null: all
    /// history): what the service asks the EHR's FHIR server for, one search per category.
    /// </summary>
    public IReadOnlyList<(string Category, LookBack? Window)> ObservationCategories =>
        [.. _observations.SelectMany(o => o.Key.ObservationCategories.Select(c => (Category: c, o.Value.Unbounded, o.Value.Window)))
            .GroupBy(c => c.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Any(c => c.Unbounded) ? null : g.Select(c => c.Window!).Aggregate(Longer)))];

    /// <summary>The longest look-back of any observation read; null when some rule reads all history.</summary>
    public LookBack? LongestObservationWindow =>
        _observations.Count == 0 || _observations.Values.Any(o => o.Unbounded) ? null
            : _observations.Values.Select(o => o.Window!).Aggregate(Longer);

    // The longer window is the one reaching further back from any instant (windows mix days and months).
    private static LookBack Longer(LookBack a, LookBack b)
    {
        var from = DateTimeOffset.UnixEpoch.AddYears(50);
        return a.Since(from) <= b.Since(from) ? a : b;
    }
}
