using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: allergy</c>: an allergy or intolerance to a substance in a value set.</summary>
internal sealed class AllergyFactCompiler : FactCompiler
{
    public override string Name => "allergy";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Where));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["AllergyIntolerance"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with) =>
        new AllergyFact(with.RequireValueSet(spec.ValueSet, pointer), with.Where(spec, pointer));
}
