using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Tests;

/// <summary>Evaluates one fact against a record at the pinned instant, on order-sign with a ketamine draft order.</summary>
internal static class FactHarness
{
    public static ValueSetIndex Set(string id) => Repository.Pack.ValueSets[id];

    public static LookBack Window(string text) => LookBack.Parse(text)!;

    public static ConditionResult Evaluate(ICondition fact, IEnumerable<Resource> resources, MedicationRequest? order = null,
        DateTimeOffset? now = null, IReadOnlyList<MedicationRequest>? otherDrafts = null)
    {
        var drafts = new List<MedicationRequest> { order ?? Fhir.KetamineOrder() };
        drafts.AddRange(otherDrafts ?? []);
        var context = new EvaluationContext(new PatientRecord(resources), new HookContext("order-sign", drafts, []), now ?? Fhir.Now, Repository.Pack);
        return fact.Evaluate(context);
    }

    public static ConditionResult Evaluate(ICondition fact, params Resource[] resources) => Evaluate(fact, (IEnumerable<Resource>)resources);
}
