using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Terminology;

/// <summary>
/// A value set compiled to hash lookups: enumerated codes, ICD-10-CM code prefixes for <c>is-a</c> filters
/// (ICD-10-CM is a strict prefix hierarchy, so a descendant's code starts with its ancestor's code), and the
/// other value sets of the pack it includes.
/// </summary>
public sealed class ValueSetIndex
{
    /// <summary>Designation use that marks an RxNorm ingredient's name (pack convention, see rules/README.md).</summary>
    public const string IngredientNameUse = "rxnorm-ingredient-name";

    private readonly Part _included;
    private readonly Part _excluded;
    private readonly (Regex Name, string Code)[] _ingredientNames;

    // Name matching runs regexes; the same drug names recur across requests, so remember each text's answer.
    // Bounded: past the limit new texts are matched but not remembered, so memory cannot grow without end.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _nameMatches = new(StringComparer.Ordinal);
    private const int NameMatchMemoryLimit = 20_000;

    internal ValueSetIndex(string id, string title, Part included, Part excluded, IEnumerable<(string Name, string Code)>? ingredientNames = null)
    {
        Id = id;
        Title = title;
        _included = included;
        _excluded = excluded;
        _ingredientNames = [.. (ingredientNames ?? []).Select(n =>
            (new Regex($@"\b{Regex.Escape(n.Name)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), n.Code))];
    }

    public string Id { get; }
    public string Title { get; }

    /// <summary>URL of the ValueSet extension naming the observation category its observations are filed under (FHIR observation-category codes).</summary>
    public const string ObservationCategoryExtension = "https://ketaminecds.example.org/fhir/StructureDefinition/observation-category";

    /// <summary>
    /// The observation categories (<c>vital-signs</c>, <c>laboratory</c>, <c>survey</c>, <c>social-history</c>…) the
    /// set's observations are filed under, from its extension: the service asks the EHR for exactly these.
    /// </summary>
    public IReadOnlyList<string> ObservationCategories { get; internal set; } = [];

    /// <summary>SHA-256 of the value set's file: part of the content hash of every rule that reads it.</summary>
    public string ContentHash { get; internal set; } = "";

    /// <summary>The pack-wide memory of code membership this set answers from, and its bit there (null outside a pack).</summary>
    internal CodeMembership? Membership { get; private set; }
    internal int Ordinal { get; private set; }

    /// <summary>Whether the set can match a medication by the ingredient names in its display or text, not only by code.</summary>
    internal bool MatchesIngredientNames => _ingredientNames.Length > 0;

    internal void JoinPack(CodeMembership membership, int ordinal) => (Membership, Ordinal) = (membership, ordinal);

    public bool Contains(string? system, string? code)
    {
        if (Membership is { } membership)
        {
            return membership.SetsContaining(system, code).Has(Ordinal);
        }

        if (string.IsNullOrEmpty(code))
        {
            return false;
        }

        var canonical = CodeSystems.Normalize(system);
        return Holds(canonical, CodeSystems.NormalizeCode(canonical, code));
    }

    /// <summary>Membership of an already normalised code, computed from the set's definition (exclusions applied).</summary>
    internal bool Holds(string canonicalSystem, string normalizedCode) =>
        !_excluded.Holds(canonicalSystem, normalizedCode) && _included.Holds(canonicalSystem, normalizedCode);

    /// <summary>
    /// The first coding of the concept that is in the set; failing that, for sets with RxNorm ingredient names, a
    /// medication whose RxNorm display or text names one of the ingredients (clinical-drug names start with the
    /// ingredient: "chlordiazepoxide hydrochloride 25 MG Oral Capsule"). Null when neither matches.
    /// </summary>
    public Coding? Match(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return null;
        }

        foreach (var coding in concept.Coding)
        {
            if (Contains(coding.System, coding.Code))
            {
                return coding;
            }
        }

        return _ingredientNames.Length == 0 ? null : MatchIngredientName(concept);
    }

    private Coding? MatchIngredientName(CodeableConcept concept)
    {
        foreach (var coding in concept.Coding)
        {
            if (CodeSystems.Normalize(coding.System) == CodeSystems.RxNorm && coding.Display is { } display
                && IngredientNamed(display) is not null && !Excluded(coding))
            {
                return coding;
            }
        }

        if (concept.Text is { } text && IngredientNamed(text) is { } code)
        {
            return new Coding(CodeSystems.RxNorm, code, text);
        }

        return null;
    }

    /// <summary>The RXCUI of the first ingredient the text names, or null.</summary>
    private string? IngredientNamed(string text)
    {
        if (_nameMatches.TryGetValue(text, out var known))
        {
            return known;
        }

        var hit = _ingredientNames.FirstOrDefault(n => n.Name.IsMatch(text));
        if (_nameMatches.Count < NameMatchMemoryLimit)
        {
            _nameMatches.TryAdd(text, hit.Code);
        }

        return hit.Code;
    }

    private bool Excluded(Coding coding) =>
        _excluded.Holds(CodeSystems.Normalize(coding.System), CodeSystems.NormalizeCode(CodeSystems.Normalize(coding.System), coding.Code ?? ""));

    internal sealed class Part(HashSet<(string System, string Code)> codes, List<string> icdPrefixes, List<ValueSetIndex> nested, List<Regex>? icdPatterns = null)
    {
        private readonly string[] _icdPrefixes = [.. icdPrefixes];
        private readonly Regex[] _icdPatterns = [.. icdPatterns ?? []];
        private readonly ValueSetIndex[] _nested = [.. nested];

        public bool Holds(string system, string normalizedCode)
        {
            if (codes.Contains((system, normalizedCode)))
            {
                return true;
            }

            if (system == CodeSystems.Icd10Cm)
            {
                foreach (var prefix in _icdPrefixes)
                {
                    if (normalizedCode.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                if (_icdPatterns.Length > 0)
                {
                    // FHIR regex filters match the code as the code system writes it: ICD-10-CM with its dot after
                    // the category (T36.0X2A), which the comparison form drops.
                    var written = normalizedCode.Length > 3 ? $"{normalizedCode[..3]}.{normalizedCode[3..]}" : normalizedCode;
                    foreach (var pattern in _icdPatterns)
                    {
                        if (pattern.IsMatch(written))
                        {
                            return true;
                        }
                    }
                }
            }

            foreach (var other in _nested)
            {
                if (other.Holds(system, normalizedCode))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
