using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: gender</c> with a non-empty <c>gender</c> list: administrative gender.</summary>
internal sealed class GenderFactCompiler : FactCompiler
{
    public override string Name => "gender";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.Gender));

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.Gender is not { Count: > 0 })
        {
            with.Report(pointer, "fact 'gender' needs a non-empty 'gender' list");
        }

        return new GenderFact(spec.Gender ?? []);
    }
}
