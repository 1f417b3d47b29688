using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: consent</c>: a consent of a kind in a value set, dated within a window; unknown when the record holds none.</summary>
internal sealed class ConsentFactCompiler : FactCompiler
{
    public override string Name => "consent";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Within));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["Consent"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        var within = with.Window(spec.Within, pointer);
        if (within is null)
        {
            with.Report(pointer, "fact 'consent' needs 'within': how recent a consent counts, e.g. 12mo");
        }

        return new ConsentFact(with.RequireValueSet(spec.ValueSet, pointer), within ?? new LookBack(12, "mo", "12mo"));
    }
}
