namespace KetamineCds.Rules.Record;

/// <summary>
/// One category of a resource type that could not be retrieved, written <c>Observation:survey</c>: the host asks for
/// each observation category under its own prefetch key, because EHRs grant them one by one (Epic's
/// "Observation.Search (Labs)", "(Vitals)"), so a refusal can cost one category and leave the others.
/// </summary>
public sealed record UnretrievedPart(string ResourceType, string Category)
{
    /// <summary>The form the host passes in the record's unretrieved list.</summary>
    public static string Format(string resourceType, string category) => $"{resourceType}:{category}";

    /// <summary>The part a <see cref="Format"/>ted string names; null for a whole type.</summary>
    public static UnretrievedPart? Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == text.Length - 1 ? null : new UnretrievedPart(text[..colon], text[(colon + 1)..]);
    }

    /// <summary>
    /// Whether a fact over <paramref name="sets"/> may have needed data of this category: yes when it reads the whole
    /// type (no sets), when a set does not say which categories its codes come in, or when one says this category.
    /// </summary>
    public bool Touches(IReadOnlyList<Terminology.ValueSetIndex> sets) =>
        sets.Count == 0 || sets.Any(set => set.ObservationCategories.Count == 0 || set.ObservationCategories.Contains(Category, StringComparer.Ordinal));
}
