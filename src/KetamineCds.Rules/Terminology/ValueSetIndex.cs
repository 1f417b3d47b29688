using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Terminology;

/// <summary>
/// A value set compiled to hash lookups: enumerated codes, ICD-10-CM code prefixes for <c>is-a</c> filters
/// (ICD-10-CM is a strict prefix hierarchy, so a descendant's code starts with its ancestor's code), and the
/// other value sets of the pack it includes.
/// </summary>
public sealed class ValueSetIndex
{
    private readonly Part _included;
    private readonly Part _excluded;

    internal ValueSetIndex(string id, string title, Part included, Part excluded)
    {
        Id = id;
        Title = title;
        _included = included;
        _excluded = excluded;
    }

    public string Id { get; }
    public string Title { get; }

    public bool Contains(string? system, string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return false;
        }

        var canonical = CodeSystems.Normalize(system);
        var normalized = CodeSystems.NormalizeCode(canonical, code);
        return !_excluded.Holds(canonical, normalized) && _included.Holds(canonical, normalized);
    }

    /// <summary>The first coding of the concept that is in the set, or null.</summary>
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

        return null;
    }

    internal sealed class Part(HashSet<(string System, string Code)> codes, List<string> icdPrefixes, List<ValueSetIndex> nested)
    {
        private readonly string[] _icdPrefixes = [.. icdPrefixes];
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
            }

            foreach (var other in _nested)
            {
                if (other.Contains(system, normalizedCode))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
