using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Everything a hook call brings to the rules: the record as read, the draft orders, and what could not be had.</summary>
/// <param name="Hook">The CDS Hooks hook name.</param>
/// <param name="Record">The patient's record (prefetch or fetched), without the draft orders.</param>
/// <param name="DraftBundle">The resources of <c>context.draftOrders</c>; empty for patient-view.</param>
public sealed record HookInput(string Hook, IReadOnlyList<Resource> Record, IReadOnlyList<Resource> DraftBundle)
{
    /// <summary>order-select's <c>selections</c>; null selects every draft order.</summary>
    public IReadOnlyList<string>? Selections { get; init; }

    /// <summary>Resource types the host could not retrieve: the rules reading them are undecidable.</summary>
    public IReadOnlyCollection<string> UnretrievedTypes { get; init; } = [];

    /// <summary>Record entries that could not be read: the rules their codes could touch are undecidable.</summary>
    public IReadOnlyList<SetAsideEntry> SetAside { get; init; } = [];

    /// <summary>Defects of draft orders kept all the same: the checks that need the bent element say so.</summary>
    public IReadOnlyList<SetAsideEntry> DraftDefects { get; init; } = [];

    /// <summary>Entries of the record and the draft bundle by <c>fullUrl</c>, for <c>urn:uuid:</c> references.</summary>
    public IReadOnlyDictionary<string, Resource>? ByFullUrl { get; init; }
}

/// <summary>What a hook's draft orders say before the record is read.</summary>
public enum DraftTriage
{
    /// <summary>Patient-view, or a draft orders ketamine: read the record and evaluate.</summary>
    Applies,

    /// <summary>No draft orders ketamine: answer at once with no cards.</summary>
    NotApplicable,

    /// <summary>A draft's medication is a reference the draft bundle cannot resolve: read the record (and the Medication) to tell.</summary>
    NeedsMedication,
}
