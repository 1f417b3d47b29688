using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: ketamineSeries</c>: the current infusion course, its count and its severity scores.</summary>
internal sealed class KetamineSeriesFactCompiler : FactCompiler
{
    private static readonly Dictionary<string, SeriesProperty> SeriesProperties = new(StringComparer.Ordinal)
    {
        ["count"] = SeriesProperty.Count,
        ["reductionPercent"] = SeriesProperty.ReductionPercent,
        ["latestScore"] = SeriesProperty.LatestScore,
        ["scoresSinceStart"] = SeriesProperty.ScoresSinceStart,
        ["withoutBaseline"] = SeriesProperty.WithoutBaseline,
        ["bestReductionPercent"] = SeriesProperty.BestReductionPercent,
        ["daysSinceStart"] = SeriesProperty.DaysSinceStart,
    };

    public override string Name => "ketamineSeries";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Scores),
        nameof(ConditionSpec.Gap), nameof(ConditionSpec.MaintenanceGap), nameof(ConditionSpec.Induction), nameof(ConditionSpec.Within),
        nameof(ConditionSpec.Property), nameof(ConditionSpec.Value));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) =>
        ["MedicationAdministration", "MedicationRequest", "MedicationStatement", "Observation"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.Property is null || !SeriesProperties.TryGetValue(spec.Property, out var property))
        {
            with.Report($"{pointer}/property", $"ketamineSeries property must be one of: {string.Join(", ", SeriesProperties.Keys)}");
            property = SeriesProperty.Count;
        }

        var gap = with.Window(spec.Gap, pointer, "gap");
        if (gap is null)
        {
            with.Report(pointer, "fact 'ketamineSeries' needs 'gap': the longest pause within one series, e.g. 21d");
        }

        var baseline = with.Window(spec.Within, pointer);
        if (baseline is null)
        {
            with.Report(pointer, "fact 'ketamineSeries' needs 'within': how far before the first infusion a baseline score may be, e.g. 30d");
        }

        var comparison = property == SeriesProperty.WithoutBaseline ? null : with.RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: false);
        var scores = with.RequireValueSet(spec.Scores, pointer, "scores");
        // A course's scores are read back to the baseline before its first infusion, however long ago that was.
        with.ReadsObservations(scores, null, pointer);
        gap ??= new LookBack(21, "d", "21d");
        var shape = new SeriesShape(gap, with.Window(spec.MaintenanceGap, pointer, "maintenanceGap") ?? gap, spec.Induction ?? 6);
        return new KetamineSeriesFact(with.RequireValueSet(spec.ValueSet, pointer), scores, shape, baseline ?? new LookBack(30, "d", "30d"),
            property, comparison, with.Answers);
    }
}
