using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Record;

/// <summary>
/// The patient's record for one evaluation: its resources sorted once by type, so every fact reads lists and never
/// re-scans the bundle, and what could not be had (a key that failed, an entry that could not be read). Built by the
/// host from prefetch or FHIR-server data; its lists are fixed at construction. What facts compute over it per request
/// lives beside it: <see cref="Index"/> (times, codes, value-set answers) and <see cref="Medications"/> (which drug a
/// resource is about).
/// </summary>
public sealed class PatientRecord
{
    private readonly IReadOnlySet<string> _unretrieved;

    /// <param name="unretrievedTypes">
    /// Resource types the host could not retrieve (a prefetch key that failed, a FHIR query that timed out): facts
    /// over them become undecidable instead of reading the absence of data as "no concern". A type with a category,
    /// <c>Observation:survey</c>, is one category of it (one prefetch key per category, one of them refused): only
    /// the facts whose value sets may hold that category's data are undecidable (see <see cref="UnretrievedPart"/>).
    /// </param>
    /// <param name="byFullUrl">Bundle entries by their <c>fullUrl</c>, for references written as <c>urn:uuid:…</c>.</param>
    /// <param name="setAside">Entries that could not be read: the facts their codes could touch become undecidable.</param>
    public PatientRecord(IEnumerable<Resource> resources, IReadOnlyCollection<string>? unretrievedTypes = null,
        IReadOnlyDictionary<string, Resource>? byFullUrl = null, IReadOnlyList<SetAsideEntry>? setAside = null)
    {
        SetAside = setAside ?? [];
        _unretrieved = unretrievedTypes is { Count: > 0 } ? new HashSet<string>(unretrievedTypes, StringComparer.Ordinal) : EmptySet;
        var all = resources as IReadOnlyList<Resource> ?? resources.ToList();
        var conditions = new List<Condition>();
        var observations = new List<Observation>();
        var medicationRequests = new List<MedicationRequest>();
        var medicationStatements = new List<MedicationStatement>();
        var medicationAdministrations = new List<MedicationAdministration>();
        var medicationDispenses = new List<MedicationDispense>();
        var allergies = new List<AllergyIntolerance>();
        var procedures = new List<Procedure>();
        var serviceRequests = new List<ServiceRequest>();
        var consents = new List<Consent>();
        foreach (var resource in all)
        {
            switch (resource)
            {
                case Patient patient: Patient ??= patient; break;
                case Condition condition: conditions.Add(condition); break;
                case Observation observation: observations.Add(observation); break;
                case MedicationRequest request: medicationRequests.Add(request); break;
                case MedicationStatement statement: medicationStatements.Add(statement); break;
                case MedicationAdministration administration: medicationAdministrations.Add(administration); break;
                case MedicationDispense dispense: medicationDispenses.Add(dispense); break;
                case AllergyIntolerance allergy: allergies.Add(allergy); break;
                case Procedure procedure: procedures.Add(procedure); break;
                case ServiceRequest serviceRequest: serviceRequests.Add(serviceRequest); break;
                case Consent consent: consents.Add(consent); break;
            }
        }

        Conditions = conditions;
        Observations = observations;
        MedicationRequests = medicationRequests;
        MedicationStatements = medicationStatements;
        MedicationAdministrations = medicationAdministrations;
        MedicationDispenses = medicationDispenses;
        Allergies = allergies;
        Procedures = procedures;
        ServiceRequests = serviceRequests;
        Consents = consents;
        Medications = new MedicationResolver(all, byFullUrl);
        Index = new RecordIndex(this);
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>Whether data of this resource type (e.g. <c>AllergyIntolerance</c>) could not be retrieved for this record.</summary>
    public bool IsUnretrieved(string resourceType) => _unretrieved.Contains(resourceType);

    /// <summary>Entries of the record that could not be read and were set aside.</summary>
    public IReadOnlyList<SetAsideEntry> SetAside { get; }

    /// <summary>
    /// What of this type the record may be missing for a fact over <paramref name="sets"/>: the type as a whole when it
    /// could not be retrieved; else each set-aside entry of the type whose code is unknown or in one of the sets, and
    /// each medication of the type nobody can identify (a reference that neither resolves nor names its drug). Empty
    /// when the record holds everything such a fact could read.
    /// </summary>
    public IReadOnlyList<string> MissingFor(string resourceType, IReadOnlyList<Terminology.ValueSetIndex> sets)
    {
        if (_unretrieved.Contains(resourceType))
        {
            return [$"{resourceType} data could not be retrieved from the EHR"];
        }

        List<string>? missing = null;
        foreach (var part in _unretrieved)
        {
            if (UnretrievedPart.Parse(part) is { } unretrieved && unretrieved.ResourceType == resourceType && unretrieved.Touches(sets))
            {
                (missing ??= []).Add($"{resourceType} data in category {unretrieved.Category} could not be retrieved from the EHR");
            }
        }

        foreach (var entry in SetAside)
        {
            if (entry.ResourceType == resourceType && (entry.Code is null || sets.Count == 0 || sets.Any(set => set.Match(entry.Code) is not null)))
            {
                (missing ??= []).Add($"{entry.Describe()} (set aside)");
            }
        }

        foreach (var reference in Medications.UnidentifiedOfType(resourceType, this))
        {
            (missing ??= []).Add($"{reference}: the medication it names could not be identified");
        }

        return missing ?? (IReadOnlyList<string>)[];
    }

    public Patient? Patient { get; }
    public IReadOnlyList<Condition> Conditions { get; }
    public IReadOnlyList<Observation> Observations { get; }
    public IReadOnlyList<MedicationRequest> MedicationRequests { get; }
    public IReadOnlyList<MedicationStatement> MedicationStatements { get; }
    public IReadOnlyList<MedicationAdministration> MedicationAdministrations { get; }
    public IReadOnlyList<MedicationDispense> MedicationDispenses { get; }
    public IReadOnlyList<AllergyIntolerance> Allergies { get; }

    /// <summary>Procedures done, in progress or being prepared (ECT sessions, for one).</summary>
    public IReadOnlyList<Procedure> Procedures { get; }

    /// <summary>Orders for procedures: an ECT course ordered or scheduled.</summary>
    public IReadOnlyList<ServiceRequest> ServiceRequests { get; }

    /// <summary>Consents recorded in the EHR (treatment consent for off-label ketamine, for one).</summary>
    public IReadOnlyList<Consent> Consents { get; }

    /// <summary>Times, code indexes and value-set answers, computed once per request as facts ask.</summary>
    public RecordIndex Index { get; }

    /// <summary>Which drug each medication-bearing resource is about, through references and contained Medications.</summary>
    public MedicationResolver Medications { get; }
}
