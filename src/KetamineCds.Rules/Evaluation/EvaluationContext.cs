using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Everything one evaluation reads. Built per request; never shared between requests.</summary>
public sealed class EvaluationContext
{
    private readonly Dictionary<string, ConditionResult> _ruleResults = new(StringComparer.Ordinal);

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
    internal ConditionResult RuleCondition(string ruleId)
    {
        if (!_ruleResults.TryGetValue(ruleId, out var result))
        {
            result = Pack.RulesById[ruleId].Condition.Evaluate(this);
            _ruleResults[ruleId] = result;
        }

        return result;
    }

    public int AgeInYears(Date birthDate)
    {
        var birth = birthDate.ToDateTimeOffset();
        var age = Now.Year - birth.Year;
        if (Now.Month < birth.Month || (Now.Month == birth.Month && Now.Day < birth.Day))
        {
            age--;
        }

        return age;
    }
}
