using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: antidepressantTrials</c>: adequate antidepressant trials in a window, counted.</summary>
internal sealed class AntidepressantTrialsFactCompiler : FactCompiler
{
    public override string Name => "antidepressantTrials";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Within),
        nameof(ConditionSpec.MinDays), nameof(ConditionSpec.Count), nameof(ConditionSpec.Gap));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["MedicationRequest", "MedicationStatement", "MedicationDispense"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (with.Doses.Count == 0)
        {
            with.Report(pointer, "fact 'antidepressantTrials' needs the pack's antidepressantDoseTable");
        }

        if (spec.MinDays is not > 0)
        {
            with.Report(pointer, "fact 'antidepressantTrials' needs 'minDays' greater than 0");
        }

        var within = with.Window(spec.Within, pointer);
        if (within is null)
        {
            with.Report(pointer, "fact 'antidepressantTrials' needs a look-back window 'within'");
        }

        return new AntidepressantTrialsFact(with.RequireValueSet(spec.ValueSet, pointer), with.Doses, spec.MinDays ?? 1,
            within ?? new LookBack(2, "y", "2y"), with.RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
            with.Window(spec.Gap, pointer, "gap"), with.Activity);
    }
}
