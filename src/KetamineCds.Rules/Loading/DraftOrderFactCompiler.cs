using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: draftOrder</c>: the draft ketamine order's dose (mg, or per kg of the latest weight) or duration.</summary>
internal sealed class DraftOrderFactCompiler : FactCompiler
{
    public override string Name => "draftOrder";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.Property), nameof(ConditionSpec.Value),
        nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Within));

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.Property is null || !DraftOrderFact.Properties.Contains(spec.Property))
        {
            with.Report($"{pointer}/property", $"draftOrder property must be one of: {string.Join(", ", DraftOrderFact.Properties)}");
        }

        if (spec.Property == DraftOrderFact.DosePerKg && spec.ValueSet is null)
        {
            with.Report(pointer, "draftOrder dosePerKg needs 'valueSet' naming the body-weight observations");
        }

        var weightWindow = with.Window(spec.Within, pointer);
        var weights = spec.ValueSet is null ? null : with.RequireValueSet(spec.ValueSet, pointer);
        if (spec.Property == DraftOrderFact.DosePerKg && weights is not null)
        {
            with.ReadsObservations(weights, weightWindow, pointer);
        }

        return new DraftOrderFact(spec.Property ?? "", with.RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: true), weights, weightWindow);
    }
}
