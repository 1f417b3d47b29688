using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Model;

namespace KetamineCds.Api.CdsHooks;

/// <summary>One prefetch template; required data whose absence (and no FHIR server) is a 412 (spec §Prefetch: P-13).</summary>
/// <param name="ObservationCategories">
/// For the observations key: the categories the pack reads, each with the earliest date a rule can look at (null: all
/// history). When the service fetches this key itself it sends one search per category, each bounded by
/// <c>date=ge…</c>; CDS Hooks 2.0 templates cannot express relative dates (that is 3.0-ballot text), so discovery
/// shows the plain query with every category.
/// </param>
public sealed record PrefetchTemplate(string Key, string Query, bool Required, string Describes,
    IReadOnlyList<(string Category, Rules.Facts.LookBack? Window)>? ObservationCategories = null)
{
    /// <summary>The resource type the key holds.</summary>
    public string ResourceType => Query.Split('?', '/')[0];
}

/// <summary>
/// The three services and the prefetch templates that cover every resource type the rule pack reads, derived from the
/// live pack where the pack decides: the observation categories its rules read (a rule over social-history data asks
/// for it), and the Medications that orders name by reference (<c>_include</c>, which US Core servers support).
/// </summary>
public static class CdsServiceCatalog
{
    public const string OrderSelect = "ketamine-order-select";
    public const string OrderSign = "ketamine-order-sign";
    public const string PatientView = "ketamine-patient-view";

    /// <summary>What each prefetch key holds, in the words the incomplete-data card uses.</summary>
    public static readonly IReadOnlyDictionary<string, string> Describes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["patient"] = "demographics (age, administrative gender)",
        ["conditions"] = "diagnoses",
        ["observations"] = "vital signs, laboratory results, questionnaire scores and pregnancy status",
        ["medicationRequests"] = "medication orders",
        ["allergies"] = "allergies and intolerances",
        ["medicationStatements"] = "medications reported by the patient or other providers",
        ["medicationAdministrations"] = "medication administrations (infusion history)",
        ["medicationDispenses"] = "pharmacy dispenses (medications taken, trial history)",
    };

    private static readonly string[] Services = [OrderSelect, OrderSign, PatientView];

    /// <summary>Whether a service id is one of ours (for 404s and metrics, which must not depend on the pack).</summary>
    public static bool Knows(string id) => Services.Contains(id, StringComparer.Ordinal);

    /// <summary>The hook a service answers.</summary>
    public static string HookOf(string id) => id switch
    {
        OrderSelect => Hooks.OrderSelect,
        OrderSign => Hooks.OrderSign,
        _ => Hooks.PatientView,
    };

    /// <summary>
    /// The prefetch templates for a pack. Only root-level context fields and user tokens are valid in CDS Hooks 2.0
    /// templates (spec §Prefetch tokens).
    /// </summary>
    public static IReadOnlyList<PrefetchTemplate> Templates(CompiledPack pack)
    {
        var categories = pack.Reads.ObservationCategories;
        var observations = categories.Count == 0 ? "vital-signs,laboratory,survey" : string.Join(",", categories.Select(c => c.Category));
        return
        [
            new("patient", "Patient/{{context.patientId}}", true, Describes["patient"]),
            new("conditions", "Condition?patient={{context.patientId}}", true, Describes["conditions"]),
            new("observations", $"Observation?patient={{{{context.patientId}}}}&category={observations}", true, Describes["observations"], categories),
            new("medicationRequests", "MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication", true, Describes["medicationRequests"]),
            new("allergies", "AllergyIntolerance?patient={{context.patientId}}", true, Describes["allergies"]),
            new("medicationStatements", "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication", false, Describes["medicationStatements"]),
            new("medicationAdministrations", "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication", false,
                Describes["medicationAdministrations"]),
            new("medicationDispenses", "MedicationDispense?patient={{context.patientId}}&_include=MedicationDispense:medication", false, Describes["medicationDispenses"]),
        ];
    }

    // One description per pack, made on first use: discovery and every call read it, a reload makes the next.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CompiledPack, IReadOnlyList<CdsServiceDescription>> Described = [];

    /// <summary>The discovery document's services for a pack.</summary>
    public static IReadOnlyList<CdsServiceDescription> Describe(CompiledPack pack) => Described.GetValue(pack, DescribeNow);

    private static IReadOnlyList<CdsServiceDescription> DescribeNow(CompiledPack pack)
    {
        var prefetch = Templates(pack).ToDictionary(t => t.Key, t => t.Query);
        return
        [
            Describe(OrderSelect, "Ketamine infusion advice at order selection",
                "As soon as an IV ketamine infusion is selected: TRD eligibility from the record, contraindications, interactions and missing baseline data.", prefetch),
            Describe(OrderSign, "Ketamine infusion safety check before signing",
                "The final safety check of a draft IV ketamine order: contraindications, blood pressure, pregnancy, interactions, mg/kg dose against the latest weight, and monitoring.", prefetch),
            Describe(PatientView, "Ketamine candidacy for treatment-resistant depression",
                "On chart review, says when the patient meets TRD criteria with no recorded contraindication, so IV ketamine (off-label) can be considered.", prefetch),
        ];
    }

    /// <summary>One service as discovery describes it for a pack (its hook, title, prefetch).</summary>
    public static CdsServiceDescription Describe(CompiledPack pack, string id) => Describe(pack).First(s => s.Id == id);

    private static CdsServiceDescription Describe(string id, string title, string description, IReadOnlyDictionary<string, string> prefetch) => new(
        HookOf(id), title, description, id, prefetch,
        "Works best with every prefetch key satisfied. Keys not sent are fetched from fhirServer with fhirAuthorization; "
        + "without a fhirServer, missing patient, conditions, observations, medicationRequests or allergies give 412. "
        + "Missing optional keys (statements, administrations, dispenses) give a card naming the incomplete checks. "
        + "A record entry that cannot be read is set aside and named; the rest is advised on. "
        + "Order hooks act only on a draft MedicationRequest for ketamine (RxNorm 6130 or a ketamine clinical drug, coded, contained or referenced); other orders get no cards. "
        + "Advisory only: IV ketamine for depression is off-label.");
}
