using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Everything one evaluation reads. Built per request; never shared between requests.</summary>
public sealed class EvaluationContext : IFactContext
{
    private readonly Dictionary<string, ConditionResult> _ruleResults = new(StringComparer.Ordinal);
    private readonly Dictionary<object, ConditionResult> _factResults = [];
    private (Date? Element, DateTimeOffset Value) _birthDate;

    internal EvaluationContext(PatientRecord record, HookContext hook, DateTimeOffset now, CompiledPack pack)
    {
        Record = record;
        Hook = hook;
        Now = now;
        Pack = pack;
        KetamineOrders = pack.FindKetamineOrders(hook, record);
    }

    public PatientRecord Record { get; }
    public HookContext Hook { get; }
    public DateTimeOffset Now { get; }
    internal CompiledPack Pack { get; }

    /// <summary>The draft ketamine orders the hook is about (the selected ones first for order-select).</summary>
    public IReadOnlyList<MedicationRequest> KetamineOrders { get; }

    /// <summary>Evaluates another rule's condition once per request (for <c>ref:</c>).</summary>
    public ConditionResult RuleCondition(string ruleId)
    {
        if (!_ruleResults.TryGetValue(ruleId, out var result))
        {
            result = Pack.RulesById[ruleId].Condition.Evaluate(this);
            _ruleResults[ruleId] = result;
        }

        return result;
    }

    /// <summary>
    /// A fact evaluated once per request for a given key: the same costly fact with the same parameters appears in
    /// a rule and in the summary's checklist, and must give the same answer anyway.
    /// </summary>
    ConditionResult IFactContext.Once(object key, Func<IFactContext, ConditionResult> evaluate)
    {
        if (!_factResults.TryGetValue(key, out var result))
        {
            result = evaluate(this);
            _factResults[key] = result;
        }

        return result;
    }

    public int AgeInYears(Date birthDate)
    {
        // Several rules and card texts ask the patient's age: the birth date is read once per request.
        if (!ReferenceEquals(_birthDate.Element, birthDate))
        {
            // The direct reader takes the regular forms, far cheaper than Firely's; Firely still judges the rest,
            // and throws on an invalid date, which makes the asking rule an incomplete check.
            _birthDate = (birthDate, FhirTime.Parse(birthDate.Value) ?? birthDate.ToDateTimeOffset());
        }

        return YearsSince(_birthDate.Value);
    }

    public (int Youngest, int Oldest) AgeRange(Date birthDate)
    {
        var oldest = AgeInYears(birthDate);
        // A partial date's last day: born on 31 December 1980 at the latest, so perhaps a year younger.
        return FhirTime.LatestParse(birthDate.Value) is { } latest ? (YearsSince(latest), oldest) : (oldest, oldest);
    }

    private int YearsSince(DateTimeOffset birth)
    {
        var age = Now.Year - birth.Year;
        if (Now.Month < birth.Month || (Now.Month == birth.Month && Now.Day < birth.Day))
        {
            age--;
        }

        return age;
    }
}
