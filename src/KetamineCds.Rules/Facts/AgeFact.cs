using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: age</c>: the patient's age in whole years at the evaluation date, compared with <c>value</c>. A birth date
/// of year or month precision gives a range of ages; when the comparison holds for some of them and not others (a
/// patient born "2008" is 17 or 18 in 2026), the answer is Unknown, so an age rule says its check is incomplete
/// rather than reading a possible minor as an adult.
/// </summary>
internal sealed class AgeFact(Comparison comparison) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var birthDate = context.Record.Patient?.BirthDateElement;
        if (birthDate?.Value is null)
        {
            return ConditionResult.Unknown("age unknown: no birth date in the record");
        }

        var (youngest, oldest) = context.AgeRange(birthDate);
        var shown = youngest == oldest ? $"{oldest} years" : $"{youngest} or {oldest} years";
        var evidence = new EvidenceItem($"Patient/{context.Record.Patient!.Id}", "Age", shown,
            Note: youngest == oldest ? null : $"birth date recorded as {birthDate.Value} only");
        var (young, old) = (comparison.Holds(youngest), comparison.Holds(oldest));
        if (young != old)
        {
            return ConditionResult.Unknown($"age {shown} (birth date {birthDate.Value}): cannot tell whether it is {comparison.Describe()}", [evidence]);
        }

        var ages = youngest == oldest ? $"{oldest}" : $"{youngest} or {oldest}";
        return ConditionResult.Of(old, [evidence], () => $"age {ages} {comparison.Describe()}");
    }
}
