using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: age</c> with <c>value</c>: the patient's age in whole years.</summary>
internal sealed class AgeFactCompiler : FactCompiler
{
    public override string Name => "age";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.Value));

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with) =>
        new AgeFact(with.RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: false));
}
