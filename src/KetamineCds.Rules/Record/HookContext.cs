using Hl7.Fhir.Model;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Record;

/// <summary>What the hook knows beyond the record: its name, and the clinician's unsigned orders.</summary>
/// <param name="Hook">The CDS Hooks hook name, e.g. <c>order-sign</c>.</param>
/// <param name="DraftOrders">Draft MedicationRequests from <c>context.draftOrders</c>.</param>
/// <param name="Selections">For order-select: references of the orders just selected (<c>MedicationRequest/123</c>).</param>
public sealed record HookContext(string Hook, IReadOnlyList<MedicationRequest> DraftOrders, IReadOnlyList<string> Selections)
{
    /// <summary>Defects of the draft orders, kept all the same: a check that needs the bent element cannot be made.</summary>
    public IReadOnlyList<SetAsideEntry> DraftDefects { get; init; } = [];

    public static HookContext PatientView { get; } = new(Hooks.PatientView, [], []);
}
