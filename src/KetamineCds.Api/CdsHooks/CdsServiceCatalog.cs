using KetamineCds.Rules.Model;
namespace KetamineCds.Api.CdsHooks;

/// <summary>One prefetch template; required data whose absence (and no FHIR server) is a 412 (spec §Prefetch: P-13).</summary>
/// <param name="RecentObservationsOnly">
/// When the service fetches this key itself it adds <c>date=ge…</c> for the longest observation window of the pack.
/// CDS Hooks 2.0 templates cannot express relative dates (that is 3.0-ballot text), so discovery shows the plain query.
/// </param>
public sealed record PrefetchTemplate(string Key, string Query, bool Required, string Describes, bool RecentObservationsOnly = false);

/// <summary>The three services and the prefetch templates that cover every resource type the rule pack reads.</summary>
public static class CdsServiceCatalog
{
    public const string OrderSelect = "ketamine-order-select";
    public const string OrderSign = "ketamine-order-sign";
    public const string PatientView = "ketamine-patient-view";

    // Only root-level context fields and user tokens are valid in CDS Hooks 2.0 templates (spec §Prefetch tokens).
    public static readonly IReadOnlyList<PrefetchTemplate> Templates =
    [
        new("patient", "Patient/{{context.patientId}}", true, "demographics (age, administrative gender)"),
        new("conditions", "Condition?patient={{context.patientId}}", true, "diagnoses"),
        new("observations", "Observation?patient={{context.patientId}}&category=vital-signs,laboratory,survey", true, "vital signs, laboratory results and questionnaire scores", RecentObservationsOnly: true),
        new("medicationRequests", "MedicationRequest?patient={{context.patientId}}", true, "medication orders"),
        new("allergies", "AllergyIntolerance?patient={{context.patientId}}", true, "allergies and intolerances"),
        new("medicationStatements", "MedicationStatement?patient={{context.patientId}}", false, "medications reported by the patient or other providers"),
        new("medicationAdministrations", "MedicationAdministration?patient={{context.patientId}}", false, "medication administrations (infusion history)"),
        new("medicationDispenses", "MedicationDispense?patient={{context.patientId}}", false, "pharmacy dispenses (antidepressant trial history)"),
    ];

    public static readonly IReadOnlyDictionary<string, CdsServiceDescription> Services = new[]
    {
        Describe(OrderSelect, Hooks.OrderSelect, "Ketamine infusion advice at order selection",
            "As soon as an IV ketamine infusion is selected: TRD eligibility from the record, contraindications, interactions and missing baseline data."),
        Describe(OrderSign, Hooks.OrderSign, "Ketamine infusion safety check before signing",
            "The final safety check of a draft IV ketamine order: contraindications, blood pressure, pregnancy, interactions, mg/kg dose against the latest weight, and monitoring."),
        Describe(PatientView, Hooks.PatientView, "Ketamine candidacy for treatment-resistant depression",
            "On chart review, says when the patient meets TRD criteria with no recorded contraindication, so IV ketamine (off-label) can be considered."),
    }.ToDictionary(s => s.Id, StringComparer.Ordinal);

    private static CdsServiceDescription Describe(string id, string hook, string title, string description) => new(
        hook, title, description, id,
        Templates.ToDictionary(t => t.Key, t => t.Query),
        "Works best with every prefetch key satisfied. Keys not sent are fetched from fhirServer with fhirAuthorization; "
        + "without a fhirServer, missing patient, conditions, observations, medicationRequests or allergies give 412. "
        + "Missing optional keys (statements, administrations, dispenses) give a card naming the incomplete checks. "
        + "Order hooks act only on a draft MedicationRequest for ketamine (RxNorm 6130 or a ketamine clinical drug); other orders get no cards. "
        + "Advisory only: IV ketamine for depression is off-label.");
}
