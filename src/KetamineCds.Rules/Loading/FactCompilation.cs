using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// What a <see cref="FactCompiler"/> compiles against, and the checks every fact shares: value sets that resolve,
/// comparisons with one operator and a known unit, look-back windows, FHIRPath that compiles. Problems are reported at
/// their JSON pointer and compilation goes on, so one run names every error.
/// </summary>
internal sealed class FactCompilation(
    IReadOnlyDictionary<string, ValueSetIndex> valueSets,
    AnswerScores answers,
    PackTables tables,
    Action<string, string> report,
    RecordReads reads,
    MedicationActivity? activity = null)
{
    /// <summary>pack.yaml <c>medicationActivity</c>: how long fills and administrations count as taking a drug.</summary>
    public MedicationActivity Activity { get; } = activity ?? MedicationActivity.Default;

    public AnswerScores Answers => answers;

    public AntidepressantDoseTable Doses => tables.Doses;

    public IngredientTable<EquivalenceRow> BenzodiazepineEquivalents => tables.BenzodiazepineEquivalents;

    /// <summary>What the facts compiled so far read from the record (types, observation sets and their windows).</summary>
    public RecordReads Reads => reads;

    public void Report(string pointer, string message) => report(pointer, message);

    /// <summary>
    /// Records that the fact reads observations coded in <paramref name="set"/> (null window: all history). The set
    /// must name its observation category, or the service would not know to ask the EHR for those observations.
    /// </summary>
    public void ReadsObservations(ValueSetIndex set, LookBack? window, string pointer)
    {
        if (set.ObservationCategories.Count == 0 && !ReferenceEquals(set, Placeholder))
        {
            report(pointer, $"value set '{set.Id}' is read as observations but names no observation category: add the extension "
                + $"{ValueSetIndex.ObservationCategoryExtension} with a code such as vital-signs, laboratory, survey or social-history");
        }

        reads.AddObservations(set, window);
    }

    public ValueSetIndex RequireValueSet(string? id, string pointer, string field = "valueSet")
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
            report($"{pointer}/{field}", $"value set '{id}' is not in the pack{Nearest.Suggest(id, valueSets.Keys)}");
        }

        return Placeholder;
    }

    public Comparison RequireComparison(ComparisonSpec? spec, string pointer, bool unitAllowed)
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

    public LookBack? Window(string? text, string pointer, string field = "within")
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

    public FhirPathFilter? Where(ConditionSpec spec, string pointer)
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

    private static readonly ValueSetIndex Placeholder = new("(missing)", "(missing value set)",
        new ValueSetIndex.Part([], [], []), new ValueSetIndex.Part([], [], []));
}
