using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Facts;

/// <summary><c>fact: gender</c>: administrative gender is one of <c>gender</c>. Missing gender is unknown, not "no".</summary>
internal sealed class GenderFact(IReadOnlyList<string> genders) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var gender = context.Record.Patient?.GenderElement?.JsonValue as string;
        if (gender is null)
        {
            return ConditionResult.Unknown("administrative gender not recorded");
        }

        var evidence = new EvidenceItem($"Patient/{context.Record.Patient!.Id}", "Administrative gender", gender);
        return ConditionResult.Of(genders.Contains(gender, StringComparer.OrdinalIgnoreCase), [evidence],
            () => $"gender {gender} in [{string.Join(", ", genders)}]");
    }
}
