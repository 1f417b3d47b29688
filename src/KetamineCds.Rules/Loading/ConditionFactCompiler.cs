using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: condition</c>: a diagnosis in a value set, active or ever, in a window, expiring when time-bound.</summary>
internal sealed class ConditionFactCompiler : FactCompiler
{
    public override string Name => "condition";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Status),
        nameof(ConditionSpec.Within), nameof(ConditionSpec.Where), nameof(ConditionSpec.ExpiresAfter));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["Condition"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.Status is not (null or "active" or "ever"))
        {
            with.Report($"{pointer}/status", $"status must be 'active' or 'ever', not '{spec.Status}'");
        }

        return new ConditionFact(with.RequireValueSet(spec.ValueSet, pointer), spec.Status == "ever", with.Window(spec.Within, pointer),
            with.Where(spec, pointer), with.Window(spec.ExpiresAfter, pointer, "expiresAfter"));
    }
}
