using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary><c>fact: medication</c>: a drug in a value set, active now or taken in a window; or, with <c>property: administrations</c>, given.</summary>
internal sealed class MedicationFactCompiler : FactCompiler
{
    public const string Administrations = "administrations";
    public const string Sessions = "sessions";
    public const string DiazepamEquivalentMg = "diazepamEquivalentMg";

    public override string Name => "medication";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Within),
        nameof(ConditionSpec.Count), nameof(ConditionSpec.Property), nameof(ConditionSpec.Where), nameof(ConditionSpec.Value));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => spec.Property is Administrations or Sessions
        ? ["MedicationAdministration"]
        : ["MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.Property is not (null or Administrations or Sessions or DiazepamEquivalentMg))
        {
            with.Report($"{pointer}/property", $"medication property must be '{Administrations}', '{Sessions}', '{DiazepamEquivalentMg}' or omitted, not '{spec.Property}'");
        }

        if (spec.Property == DiazepamEquivalentMg)
        {
            if (with.BenzodiazepineEquivalents.Count == 0)
            {
                with.Report(pointer, $"property '{DiazepamEquivalentMg}' needs the pack's benzodiazepineEquivalents table");
            }

            return new DiazepamEquivalentFact(with.RequireValueSet(spec.ValueSet, pointer), with.BenzodiazepineEquivalents,
                with.RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: false), with.Where(spec, pointer));
        }

        if (spec.Value is not null)
        {
            with.Report($"{pointer}/value", $"fact 'medication' takes 'value' only with property '{DiazepamEquivalentMg}'; use 'count' for how many");
        }

        return new MedicationFact(with.RequireValueSet(spec.ValueSet, pointer), with.Window(spec.Within, pointer),
            spec.Count is null ? null : with.RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
            spec.Property switch { Administrations => MedicationSource.Administrations, Sessions => MedicationSource.Sessions, _ => MedicationSource.All }, with.Where(spec, pointer), with.Activity);
    }
}
