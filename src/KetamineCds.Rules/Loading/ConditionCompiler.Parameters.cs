using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// The parameter checks of <see cref="ConditionCompiler"/>: value sets that resolve, comparisons with one operator and
/// a known unit, look-back windows, FHIRPath that compiles, and no parameter a fact does not take.
/// </summary>
internal sealed partial class ConditionCompiler
{
    private ValueSetIndex RequireValueSet(string? id, string pointer, string field = "valueSet")
    {
        if (id is null)
        {
            report(pointer, $"'{field}' is required");
        }
        else if (valueSets.TryGetValue(id, out var index))
        {
            return index;
        }
        else
        {
            report($"{pointer}/{field}", $"value set '{id}' is not in the pack");
        }

        return Placeholder;
    }

    private Comparison RequireComparison(ComparisonSpec? spec, string pointer, bool unitAllowed)
    {
        if (spec is null)
        {
            report(pointer, "a comparison is required, e.g. { ge: 18 }");
            return new Comparison("ge", 0, null);
        }

        if (Comparison.OperatorCount(spec) != 1)
        {
            report(pointer, "a comparison has exactly one operator: gt, ge, lt, le, eq or ne");
        }

        if (spec.Unit is { } unit)
        {
            if (!unitAllowed)
            {
                report($"{pointer}/unit", "this comparison takes no unit");
            }
            else if (!Ucum.IsKnown(unit))
            {
                report($"{pointer}/unit", $"unknown UCUM unit '{unit}'");
            }
        }

        return Comparison.From(spec) ?? new Comparison("ge", 0, null);
    }

    private LookBack? Window(string? text, string pointer, string field = "within")
    {
        if (text is null)
        {
            return null;
        }

        var window = LookBack.Parse(text);
        if (window is null)
        {
            report($"{pointer}/{field}", $"'{text}' is not a window; write e.g. 30d, 12w, 6mo or 2y");
        }

        return window;
    }

    private FhirPathFilter? Where(ConditionSpec spec, string pointer)
    {
        if (spec.Where is null)
        {
            return null;
        }

        try
        {
            return FhirPathFilter.Compile(spec.Where);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException
            || ex.GetType().Name.Contains("Parse", StringComparison.Ordinal))
        {
            report($"{pointer}/where", $"FHIRPath does not compile: {ex.Message}");
            return null;
        }
    }

    private void Allow(ConditionSpec spec, string pointer, params string[] allowed)
    {
        var present = new Dictionary<string, bool>
        {
            ["valueSet"] = spec.ValueSet is not null,
            ["component"] = spec.Component is not null,
            ["within"] = spec.Within is not null,
            ["status"] = spec.Status is not null,
            ["value"] = spec.Value is not null,
            ["count"] = spec.Count is not null,
            ["coded"] = spec.Coded is not null,
            ["text"] = spec.Text is not null,
            ["gender"] = spec.Gender is not null,
            ["property"] = spec.Property is not null,
            ["absent"] = spec.Absent is not null,
            ["where"] = spec.Where is not null,
            ["minDays"] = spec.MinDays is not null,
        };
        foreach (var (name, isPresent) in present)
        {
            if (isPresent && !allowed.Contains(name))
            {
                report($"{pointer}/{name}", $"fact '{spec.Fact}' does not take '{name}'");
            }
        }
    }

    private static readonly ValueSetIndex Placeholder = new("(missing)", "(missing value set)",
        new ValueSetIndex.Part([], [], []), new ValueSetIndex.Part([], [], []));
}
