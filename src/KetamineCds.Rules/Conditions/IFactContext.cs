using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Conditions;

/// <summary>
/// What a condition may read during one evaluation: the contract between the facts and the evaluator, so the facts
/// depend on it and the evaluator implements it, and neither folder depends on the other both ways.
/// </summary>
internal interface IFactContext
{
    PatientRecord Record { get; }
    HookContext Hook { get; }
    DateTimeOffset Now { get; }

    /// <summary>The draft ketamine orders the hook is about (the selected ones first for order-select).</summary>
    IReadOnlyList<MedicationRequest> KetamineOrders { get; }

    /// <summary>Another rule's condition, evaluated once per request (for <c>ref:</c>).</summary>
    ConditionResult RuleCondition(string ruleId);

    /// <summary>A fact evaluated once per request for a given key.</summary>
    ConditionResult Once(object key, Func<IFactContext, ConditionResult> evaluate);

    /// <summary>The patient's age in whole years at <see cref="Now"/> (from the earliest day the birth date can mean).</summary>
    int AgeInYears(Date birthDate);

    /// <summary>
    /// The ages the patient can be at <see cref="Now"/>: a birth date of year or month precision ("1980", "2008-11")
    /// spans a range, and a patient who may be under a threshold is never read as over it.
    /// </summary>
    (int Youngest, int Oldest) AgeRange(Date birthDate);
}
