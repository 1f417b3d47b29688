using System.Collections.Concurrent;
using KetamineCds.Api.Auth;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Api.CdsHooks;

/// <summary>One prefetch template; required data whose absence (and no FHIR server) is a 412 (spec §Prefetch: P-13).</summary>
/// <param name="Category">The one US Core category the key asks for (observations, and conditions where the EHR grants them per category).</param>
/// <param name="Window">
/// For an observation category: the earliest date a rule can look at (null: all history). When the service fetches the
/// key itself it bounds the search with <c>date=ge…</c>; CDS Hooks 2.0 templates cannot express relative dates (that
/// is 3.0-ballot text), so discovery shows the plain query.
/// </param>
/// <param name="CoveredBy">
/// The single key earlier versions registered for all categories (<c>observations</c>, <c>conditions</c>): an EHR
/// still sending it answers every category key it covers.
/// </param>
public sealed record PrefetchTemplate(string Key, string Query, bool Required, string Describes, string? Category = null, LookBack? Window = null,
    string? CoveredBy = null)
{
    /// <summary>The resource type the key holds.</summary>
    public string ResourceType => Query.Split('?', '/')[0];

    /// <summary>What the record lacks when this key is missing: its type, or one category of it (<c>Observation:survey</c>).</summary>
    public string Unretrieved => Category is null ? ResourceType : Rules.Record.UnretrievedPart.Format(ResourceType, Category);
}

/// <summary>
/// The three services and the prefetch templates that cover every resource type the rule pack reads, derived from the
/// live pack where the pack decides (the observation categories its rules read, one key each) and from the caller's
/// EHR profile where the EHR decides (keys it never serves, <c>_include</c>, conditions per category). Discovery, the
/// assembly of each call and the install sheet all read these, so they cannot disagree.
/// </summary>
public static class CdsServiceCatalog
{
    public const string OrderSelect = "ketamine-order-select";
    public const string OrderSign = "ketamine-order-sign";
    public const string PatientView = "ketamine-patient-view";

    /// <summary>The key earlier registrations used for every observation category; still accepted in prefetch.</summary>
    public const string AllObservations = "observations";

    /// <summary>The key for conditions of every category (and none); per-category keys are covered by it.</summary>
    public const string AllConditions = "conditions";

    /// <summary>US Core Condition categories (US Core 6: problem-list-item, health-concern; encounter-diagnosis).</summary>
    public static readonly IReadOnlyList<string> ConditionCategories = ["problem-list-item", "encounter-diagnosis", "health-concern"];

    /// <summary>What each fixed prefetch key holds, in the words the incomplete-data card uses.</summary>
    private static readonly Dictionary<string, string> FixedKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["patient"] = "demographics (age, administrative gender)",
        [AllConditions] = "diagnoses",
        [AllObservations] = "vital signs, laboratory results, questionnaire scores and pregnancy status",
        ["medicationRequests"] = "medication orders",
        ["allergies"] = "allergies and intolerances",
        ["medicationStatements"] = "medications reported by the patient or other providers",
        ["medicationAdministrations"] = "medication administrations (infusion history)",
        ["medicationDispenses"] = "pharmacy dispenses (medications taken, trial history)",
        ["procedures"] = "procedures done or scheduled (ECT)",
        ["serviceRequests"] = "procedure orders (ECT ordered or scheduled)",
        ["consents"] = "consent records (treatment consent)",
    };

    private static readonly Dictionary<string, string> CategoryWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["vital-signs"] = "vital signs (blood pressure, weight)",
        ["laboratory"] = "laboratory results (pregnancy test, liver tests)",
        ["survey"] = "questionnaire scores (PHQ-9 and other severity scores)",
        ["social-history"] = "pregnancy status and social history",
        ["problem-list-item"] = "problem list diagnoses",
        ["encounter-diagnosis"] = "encounter diagnoses",
        ["health-concern"] = "health concerns",
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

    /// <summary>What a prefetch key holds, in the incomplete-data card's words.</summary>
    public static string Describes(string key) => FixedKeys.GetValueOrDefault(key) ?? key;

    /// <summary>The key for one category: <c>observationsVitalSigns</c>, <c>conditionsProblemListItem</c>.</summary>
    public static string CategoryKey(string prefix, string category) =>
        prefix + string.Concat(category.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>
    /// The prefetch templates for a pack as an EHR of this profile can serve them. Only root-level context fields and
    /// user tokens are valid in CDS Hooks 2.0 templates (spec §Prefetch tokens).
    /// </summary>
    public static IReadOnlyList<PrefetchTemplate> Templates(CompiledPack pack, EhrProfile profile)
    {
        var include = (string type) => profile.HonoursInclude ? $"&_include={type}:medication" : "";
        var categories = pack.Reads.ObservationCategories is { Count: > 0 } read ? read
            : [("vital-signs", null), ("laboratory", null), ("survey", null)];
        IEnumerable<PrefetchTemplate> templates =
        [
            new("patient", "Patient/{{context.patientId}}", true, Describes("patient")),
            .. profile.ConditionsByCategory
                ? ConditionCategories.Select(c => new PrefetchTemplate(CategoryKey(AllConditions, c), $"Condition?patient={{{{context.patientId}}}}&category={c}", true,
                    CategoryWords[c], c, CoveredBy: AllConditions))
                : [new PrefetchTemplate(AllConditions, "Condition?patient={{context.patientId}}", true, Describes(AllConditions))],
            .. categories.Select(c => new PrefetchTemplate(CategoryKey(AllObservations, c.Category), $"Observation?patient={{{{context.patientId}}}}&category={c.Category}",
                true, CategoryWords.GetValueOrDefault(c.Category) ?? $"observations in category {c.Category}", c.Category, c.Window, AllObservations)),
            new("medicationRequests", $"MedicationRequest?patient={{{{context.patientId}}}}{include("MedicationRequest")}", true, Describes("medicationRequests")),
            new("allergies", "AllergyIntolerance?patient={{context.patientId}}", true, Describes("allergies")),
            new("medicationStatements", $"MedicationStatement?patient={{{{context.patientId}}}}{include("MedicationStatement")}", false, Describes("medicationStatements")),
            new("medicationAdministrations", $"MedicationAdministration?patient={{{{context.patientId}}}}{include("MedicationAdministration")}", false,
                Describes("medicationAdministrations")),
            new("medicationDispenses", $"MedicationDispense?patient={{{{context.patientId}}}}{include("MedicationDispense")}", false, Describes("medicationDispenses")),
            // Asked for only when a rule reads them (ECT in the shipped pack): a pack without such a rule costs the EHR nothing.
            .. IfRead(pack, "Procedure", new PrefetchTemplate("procedures", "Procedure?patient={{context.patientId}}", false, Describes("procedures"))),
            .. IfRead(pack, "ServiceRequest", new PrefetchTemplate("serviceRequests", "ServiceRequest?patient={{context.patientId}}", false, Describes("serviceRequests"))),
            .. IfRead(pack, "Consent", new PrefetchTemplate("consents", "Consent?patient={{context.patientId}}", false, Describes("consents"))),
        ];
        return [.. templates.Where(t => !profile.NeverServes.Contains(t.Key, StringComparer.Ordinal))];
    }

    private static PrefetchTemplate[] IfRead(CompiledPack pack, string resourceType, PrefetchTemplate template) =>
        pack.Reads.ResourceTypes.Contains(resourceType) ? [template] : [];

    // One description per pack and profile, made on first use: discovery and every call read it, a reload makes the next.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CompiledPack, ConcurrentDictionary<EhrProfile, IReadOnlyList<CdsServiceDescription>>> Described = [];

    /// <summary>The discovery document's services for a pack, as an EHR of this profile registers them (only the hooks it calls).</summary>
    public static IReadOnlyList<CdsServiceDescription> Describe(CompiledPack pack, EhrProfile profile) =>
        Described.GetValue(pack, _ => new()).GetOrAdd(profile, p => DescribeNow(pack, p));

    private static IReadOnlyList<CdsServiceDescription> DescribeNow(CompiledPack pack, EhrProfile profile)
    {
        var prefetch = Templates(pack, profile).ToDictionary(t => t.Key, t => t.Query);
        var transparency = InterventionAttributes.For(pack);
        IEnumerable<CdsServiceDescription> all =
        [
            Describe(OrderSelect, "Ketamine infusion advice at order selection",
                "As soon as an IV ketamine infusion is selected: TRD eligibility from the record, contraindications, interactions and missing baseline data.", prefetch, transparency),
            Describe(OrderSign, "Ketamine infusion safety check before signing",
                "The final safety check of a draft IV ketamine order: contraindications, blood pressure, pregnancy, interactions, mg/kg dose against the latest weight, and monitoring.", prefetch, transparency),
            Describe(PatientView, "Ketamine candidacy for treatment-resistant depression",
                "On chart review, says when the patient meets TRD criteria with no recorded contraindication, so IV ketamine (off-label) can be considered.", prefetch, transparency),
        ];
        return [.. all.Where(s => profile.Hooks.Contains(s.Hook, StringComparer.Ordinal))];
    }

    /// <summary>One service as the spec describes it for a pack (its hook, title, prefetch), whichever EHR calls.</summary>
    public static CdsServiceDescription Describe(CompiledPack pack, string id) => Describe(pack, EhrProfiles.Shipped[EhrProfiles.Spec]).First(s => s.Id == id);

    private static CdsServiceDescription Describe(string id, string title, string description, IReadOnlyDictionary<string, string> prefetch,
        InterventionAttributes transparency) => new(
        HookOf(id), title, description, id, prefetch,
        "Works best with every prefetch key satisfied. Keys not sent are fetched from fhirServer with fhirAuthorization; "
        + "without a fhirServer, missing patient, conditions, observations, medicationRequests or allergies give 412. "
        + "A key the FHIR server refuses (403) is named on a card and the rest is advised on; 401 gives 412. "
        + "Missing optional keys (statements, administrations, dispenses) give a card naming the incomplete checks. "
        + "A record entry that cannot be read is set aside and named; the rest is advised on. "
        + "Order hooks act only on a draft MedicationRequest for ketamine (RxNorm 6130 or a ketamine clinical drug, coded, contained or referenced); other orders get no cards. "
        + "Advisory only: IV ketamine for depression is off-label.")
    {
        Extension = new Dictionary<string, InterventionAttributes> { [InterventionAttributes.ExtensionKey] = transparency },
    };
}
