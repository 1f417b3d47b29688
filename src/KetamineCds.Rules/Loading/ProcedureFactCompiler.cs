using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: procedure</c>: a procedure in a value set done, ordered or scheduled within a window either side of today.</summary>
internal sealed class ProcedureFactCompiler : FactCompiler
{
    public override string Name => "procedure";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Within), nameof(ConditionSpec.Where));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["Procedure", "ServiceRequest"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        var within = with.Window(spec.Within, pointer);
        if (within is null)
        {
            with.Report(pointer, "fact 'procedure' needs 'within': how far either side of today, e.g. 7d");
        }

        return new ProcedureFact(with.RequireValueSet(spec.ValueSet, pointer), within ?? new LookBack(7, "d", "7d"), with.Where(spec, pointer));
    }
}
