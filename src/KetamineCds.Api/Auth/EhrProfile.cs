namespace KetamineCds.Api.Auth;

/// <summary>How a suggestion's delete action names the order it removes.</summary>
public enum DeleteActionForm
{
    /// <summary>CDS Hooks 2.0: <c>resourceId</c>, a relative reference (spec §Action, C-11).</summary>
    ResourceId,

    /// <summary>CDS Hooks 1.0: the reference as a string in <c>resource</c> (deprecated in 2.0, still what 1.x clients read).</summary>
    Resource,

    /// <summary>Both: 2.0's <c>resourceId</c> and 1.0's <c>resource</c> string, for a client whose version is in doubt (2.0 deprecates the second, it does not forbid it).</summary>
    Both,
}

/// <summary>
/// What one EHR product does differently from the CDS Hooks 2.0 text, so the service answers each as it can use:
/// the prefetch it can register, the keys it never serves, the card shapes it renders and the triggers it reuses a
/// hook for. Shipped defaults live in <see cref="EhrProfiles"/>; a site overrides any field under
/// <c>Auth:Profiles:{name}</c> and names the profile on each trusted issuer.
/// </summary>
public sealed record EhrProfile
{
    public required string Name { get; init; }

    /// <summary>Where the profile's values come from (vendor documentation), printed on the install sheet.</summary>
    public string Source { get; init; } = "CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/)";

    /// <summary>The hooks the EHR can call; the install sheet lists only these services.</summary>
    public IReadOnlyList<string> Hooks { get; init; } = [Rules.Model.Hooks.PatientView, Rules.Model.Hooks.OrderSelect, Rules.Model.Hooks.OrderSign];

    /// <summary>
    /// Prefetch keys the EHR never serves (it has no such resource API): not registered, not fetched, and not named on
    /// the incomplete-data card, since their absence is the EHR's normal state, not a failure of this call.
    /// </summary>
    public IReadOnlyList<string> NeverServes { get; init; } = [];

    /// <summary>Whether prefetch and search may carry <c>_include=…:medication</c>; if not, Medications are read by id.</summary>
    public bool HonoursInclude { get; init; } = true;

    /// <summary>
    /// Whether conditions are asked for one US Core category per key (EHRs that grant Condition searches per category).
    /// Off by default: a category filter drops conditions recorded without one (Synthea, pre-US Core servers), and a
    /// contraindication among them would go unseen.
    /// </summary>
    public bool ConditionsByCategory { get; init; }

    /// <summary>The <c>selectionBehavior</c> values the EHR renders; a card never carries another (spec: a client treats an unknown value as an error).</summary>
    public IReadOnlyList<string> SelectionBehaviors { get; init; } = ["at-most-one", "any"];

    public DeleteActionForm DeleteAction { get; init; } = DeleteActionForm.ResourceId;

    /// <summary>
    /// The request extension that says which of the EHR's own triggers reused a hook (Epic:
    /// <c>com.epic.cdshooks.request.bpa-trigger-action</c>); null when the EHR calls a hook for its own event only.
    /// </summary>
    public string? TriggerExtension { get; init; }

    /// <summary>The trigger values patient-view is answered for; a call for any other trigger gets no cards. Empty: all.</summary>
    public IReadOnlyList<string> PatientViewTriggers { get; init; } = [];

    /// <summary>Whether a patient-view call with this request extension value is one the service was registered for.</summary>
    public bool AnswersPatientView(string? trigger) =>
        TriggerExtension is null || PatientViewTriggers.Count == 0 || trigger is null || PatientViewTriggers.Contains(trigger, StringComparer.Ordinal);

    /// <summary>The selectionBehavior a card with suggestions carries: <c>any</c> unless its choices exclude each other and the EHR renders at-most-one.</summary>
    public string SelectionBehaviorFor(bool choicesExcludeEachOther) =>
        choicesExcludeEachOther && SelectionBehaviors.Contains("at-most-one", StringComparer.Ordinal) ? "at-most-one" : "any";
}
