using Hl7.Fhir.Model;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// The one way to evaluate a hook, for live calls, the preview, the pack's test cases and the warm-up alike, so they
/// agree on what a draft order is: every MedicationRequest of the hook's draft bundle, whose other resources (the
/// Medications the orders reference) join the record; on order-select the selected orders, or every draft when the
/// caller has no selection.
/// </summary>
public static class HookEvaluation
{
    /// <param name="record">The patient's record (prefetch or fetched), without the draft orders.</param>
    /// <param name="draftBundle">The resources of <c>context.draftOrders</c>; empty for patient-view.</param>
    /// <param name="selections">order-select's <c>selections</c>; null selects every draft order.</param>
    /// <param name="unretrievedTypes">Resource types the host could not retrieve: the rules reading them are undecidable.</param>
    public static EvaluationResult Evaluate(CompiledPack pack, string hook, IReadOnlyList<Resource> record, IReadOnlyList<Resource> draftBundle,
        IReadOnlyList<string>? selections, DateTimeOffset now, IReadOnlyCollection<string>? unretrievedTypes = null)
    {
        var drafts = Hooks.IsOrderHook(hook) ? draftBundle.OfType<MedicationRequest>().ToList() : [];
        selections ??= hook == Hooks.OrderSelect ? [.. drafts.Select(d => $"MedicationRequest/{d.Id}")] : [];
        var patient = new PatientRecord(record.Concat(draftBundle.Where(r => r is not MedicationRequest)), unretrievedTypes);
        return RuleEvaluator.Evaluate(pack, patient, new HookContext(hook, drafts, selections), now);
    }

    /// <summary>
    /// Whether the pack has anything to say: always on patient-view, on order hooks only when a draft orders ketamine.
    /// Reads the draft bundle alone, so a live call can answer the common non-ketamine order before touching the prefetch.
    /// </summary>
    public static bool Applies(CompiledPack pack, string hook, IReadOnlyList<Resource> draftBundle)
    {
        if (!Hooks.IsOrderHook(hook))
        {
            return true;
        }

        var draftRecord = new PatientRecord(draftBundle);
        return draftBundle.OfType<MedicationRequest>().Any(order => pack.IsKetamineOrder(order, draftRecord));
    }
}
