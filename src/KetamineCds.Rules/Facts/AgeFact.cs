using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Facts;

/// <summary><c>fact: age</c>: the patient's age in whole years at the evaluation date, compared with <c>value</c>.</summary>
internal sealed class AgeFact(Comparison comparison) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var birthDate = context.Record.Patient?.BirthDateElement;
        if (birthDate?.Value is null)
        {
            return ConditionResult.Unknown("age unknown: no birth date in the record");
        }

        var age = context.AgeInYears(birthDate);
        var evidence = new EvidenceItem($"Patient/{context.Record.Patient!.Id}", "Age", $"{age} years");
        return ConditionResult.Of(comparison.Holds(age), [evidence], () => $"age {age} {comparison.Describe()}");
    }
}
