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
    public static EvaluationResult Evaluate(CompiledPack pack, HookInput input, DateTimeOffset now)
    {
        var drafts = Hooks.IsOrderHook(input.Hook) ? input.DraftBundle.OfType<MedicationRequest>().ToList() : [];
        var selections = input.Selections ?? (input.Hook == Hooks.OrderSelect ? [.. drafts.Select(d => $"MedicationRequest/{d.Id}")] : []);
        var patient = new PatientRecord(input.Record.Concat(input.DraftBundle.Where(r => r is not MedicationRequest)), input.UnretrievedTypes,
            input.ByFullUrl, input.SetAside);
        return RuleEvaluator.Evaluate(pack, patient, new HookContext(input.Hook, drafts, selections) { DraftDefects = input.DraftDefects }, now);
    }

    /// <param name="record">The patient's record (prefetch or fetched), without the draft orders.</param>
    /// <param name="draftBundle">The resources of <c>context.draftOrders</c>; empty for patient-view.</param>
    /// <param name="selections">order-select's <c>selections</c>; null selects every draft order.</param>
    /// <param name="unretrievedTypes">Resource types the host could not retrieve: the rules reading them are undecidable.</param>
    public static EvaluationResult Evaluate(CompiledPack pack, string hook, IReadOnlyList<Resource> record, IReadOnlyList<Resource> draftBundle,
        IReadOnlyList<string>? selections, DateTimeOffset now, IReadOnlyCollection<string>? unretrievedTypes = null) =>
        Evaluate(pack, new HookInput(hook, record, draftBundle) { Selections = selections, UnretrievedTypes = unretrievedTypes ?? [] }, now);

    /// <summary>
    /// What the draft bundle alone says, so a live call can answer the common non-ketamine order before touching the
    /// prefetch: patient-view always applies; an order hook applies when a draft orders ketamine (coded, contained, or
    /// a Medication in the bundle), and must wait for the record when a draft's medication is a reference the bundle
    /// cannot resolve (US Core: the Medication may be in the prefetch or only on the EHR's FHIR server).
    /// </summary>
    public static DraftTriage Triage(CompiledPack pack, string hook, IReadOnlyList<Resource> draftBundle, IReadOnlyDictionary<string, Resource>? byFullUrl = null)
    {
        if (!Hooks.IsOrderHook(hook))
        {
            return DraftTriage.Applies;
        }

        var draftRecord = new PatientRecord(draftBundle, byFullUrl: byFullUrl);
        var orders = draftBundle.OfType<MedicationRequest>().ToList();
        if (orders.Any(order => pack.IsKetamineOrder(order, draftRecord)))
        {
            return DraftTriage.Applies;
        }

        return orders.Any(order => order.Medication is ResourceReference { Reference: { } reference } && !reference.StartsWith('#')
            && draftRecord.Medications.Resolve(reference, order) is null)
            ? DraftTriage.NeedsMedication
            : DraftTriage.NotApplicable;
    }

    /// <summary>Whether the pack has anything to say on the draft bundle alone (see <see cref="Triage"/>).</summary>
    public static bool Applies(CompiledPack pack, string hook, IReadOnlyList<Resource> draftBundle) =>
        Triage(pack, hook, draftBundle) != DraftTriage.NotApplicable;

    /// <summary>The medication references of the drafts that the bundle and the record cannot resolve: what the host should read.</summary>
    public static IReadOnlyList<string> UnresolvedDraftMedications(IReadOnlyList<Resource> draftBundle, IReadOnlyDictionary<string, Resource>? byFullUrl)
    {
        var draftRecord = new PatientRecord(draftBundle, byFullUrl: byFullUrl);
        return [.. draftBundle.OfType<MedicationRequest>()
            .Select(order => order.Medication is ResourceReference { Reference: { } reference } && !reference.StartsWith('#')
                && draftRecord.Medications.Resolve(reference, order) is null ? reference : null)
            .OfType<string>().Distinct(StringComparer.Ordinal)];
    }
}
