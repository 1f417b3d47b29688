using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Terminology;

/// <summary>
/// Compiles FHIR ValueSet resources (an expansion, or compose with enumerated concepts, ICD-10-CM is-a and regex filters
/// and references to other value sets of the pack) into <see cref="ValueSetIndex"/> lookups.
/// Anything that would need a terminology server (a SNOMED is-a filter, say) is an error, never a silent miss.
/// </summary>
public static class ValueSetCompiler
{
    public static IReadOnlyDictionary<string, ValueSetIndex> Compile(
        IReadOnlyDictionary<string, ValueSet> valueSets, Action<string, string> reportError)
    {
        var compiled = new Dictionary<string, ValueSetIndex>(StringComparer.Ordinal);
        foreach (var id in valueSets.Keys)
        {
            CompileOne(id, valueSets, compiled, [], reportError);
        }

        CodeMembership.Attach(compiled.Values);
        return compiled;
    }

    private static ValueSetIndex? CompileOne(string id, IReadOnlyDictionary<string, ValueSet> all,
        Dictionary<string, ValueSetIndex> done, HashSet<string> visiting, Action<string, string> reportError)
    {
        if (done.TryGetValue(id, out var existing))
        {
            return existing;
        }

        if (!all.TryGetValue(id, out var valueSet))
        {
            return null;
        }

        if (!visiting.Add(id))
        {
            reportError(id, "value sets include each other in a cycle");
            return null;
        }

        var codes = new HashSet<(string, string)>();
        var prefixes = new List<string>();
        var patterns = new List<Regex>();
        var excluded = new HashSet<(string, string)>();
        var excludedPrefixes = new List<string>();
        var nested = new List<ValueSetIndex>();
        var excludedNested = new List<ValueSetIndex>();

        foreach (var contains in Flatten(valueSet.Expansion?.Contains ?? []))
        {
            Add(codes, contains.System, contains.Code);
        }

        foreach (var include in valueSet.Compose?.Include ?? [])
        {
            AddComponent(id, include, codes, prefixes, patterns, nested, all, done, visiting, reportError);
        }

        foreach (var exclude in valueSet.Compose?.Exclude ?? [])
        {
            AddComponent(id, exclude, excluded, excludedPrefixes, [], excludedNested, all, done, visiting, reportError);
        }

        if (codes.Count == 0 && prefixes.Count == 0 && patterns.Count == 0 && nested.Count == 0 && !HasFilters(valueSet))
        {
            reportError(id, "value set has no codes (neither an expansion nor enumerated concepts)");
        }

        visiting.Remove(id);
        var ingredientNames = (valueSet.Compose?.Include ?? [])
            .Where(i => CodeSystems.Normalize(i.System) == CodeSystems.RxNorm)
            .SelectMany(i => i.Concept)
            .SelectMany(c => c.Designation.Where(d => d.Use?.Code == ValueSetIndex.IngredientNameUse && !string.IsNullOrWhiteSpace(d.Value)).Select(d => (d.Value!, c.Code ?? "")))
            .ToList();
        var index = new ValueSetIndex(id, valueSet.Title ?? valueSet.Name ?? id,
            new ValueSetIndex.Part(codes, prefixes, nested, patterns), new ValueSetIndex.Part(excluded, excludedPrefixes, excludedNested), ingredientNames);
        done[id] = index;
        return index;
    }

    private static void AddComponent(string id, ValueSet.ConceptSetComponent component, HashSet<(string, string)> codes,
        List<string> prefixes, List<Regex> patterns, List<ValueSetIndex> nestedSets, IReadOnlyDictionary<string, ValueSet> all, Dictionary<string, ValueSetIndex> done,
        HashSet<string> visiting, Action<string, string> reportError)
    {
        var system = CodeSystems.Normalize(component.System);
        foreach (var concept in component.Concept)
        {
            Add(codes, system, concept.Code);
        }

        foreach (var filter in component.Filter)
        {
            if (system == CodeSystems.Icd10Cm && filter.Op == FilterOperator.IsA && filter.Property == "concept" && filter.Value is not null)
            {
                prefixes.Add(CodeSystems.NormalizeCode(system, filter.Value));
            }
            else if (system == CodeSystems.Icd10Cm && filter.Op == FilterOperator.Regex && filter.Property == "code" && filter.Value is not null
                && TryPattern(filter.Value) is { } pattern)
            {
                patterns.Add(pattern);
            }
            else
            {
                reportError(id, $"filter '{filter.Property} {filter.Op} {filter.Value}' on {system} needs a terminology server; "
                    + "give the codes as an expansion or as enumerated concepts");
            }
        }

        foreach (var canonical in component.ValueSet)
        {
            var referenced = canonical is null ? null : ResolveReference(canonical, all);
            var nested = referenced is null ? null : CompileOne(referenced, all, done, visiting, reportError);
            if (nested is null)
            {
                reportError(id, $"includes value set '{canonical}', which is not in the pack");
                continue;
            }

            nestedSets.Add(nested);
        }
    }

    // FHIR: the whole code must match. Compiled once per pack; a timeout guards against a pathological pattern.
    private static Regex? TryPattern(string value)
    {
        try
        {
            return new Regex($"^(?:{value})$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(50));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // A set made only of filters the engine cannot evaluate has already been reported for its filters.
    private static bool HasFilters(ValueSet valueSet) => valueSet.Compose?.Include.Any(i => i.Filter.Count > 0) == true;

    private static string? ResolveReference(string canonical, IReadOnlyDictionary<string, ValueSet> all)
    {
        if (all.ContainsKey(canonical))
        {
            return canonical;
        }

        return all.FirstOrDefault(kv => kv.Value.Url == canonical).Key;
    }

    private static void Add(HashSet<(string, string)> codes, string? system, string? code)
    {
        if (!string.IsNullOrEmpty(code))
        {
            var canonical = CodeSystems.Normalize(system);
            codes.Add((canonical, CodeSystems.NormalizeCode(canonical, code)));
        }
    }

    private static IEnumerable<ValueSet.ContainsComponent> Flatten(IEnumerable<ValueSet.ContainsComponent> items)
    {
        foreach (var item in items)
        {
            yield return item;
            foreach (var child in Flatten(item.Contains))
            {
                yield return child;
            }
        }
    }
}
