using System.Runtime.CompilerServices;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Record;

/// <summary>
/// The patient's record for one evaluation, indexed once by resource type so every fact reads lists, never
/// re-scans the bundle. Built by the host from prefetch or FHIR-server data; immutable afterwards.
/// </summary>
public sealed class PatientRecord
{
    private readonly IReadOnlyList<Resource> _resources;

    // Literal references (Medication/123) are resolved only for medicationReference, which most records never use:
    // the index is built on the first resolve, not for every request.
    private Dictionary<string, Resource>? _byReference;

    // FHIR dates are strings: parse each resource's clinically relevant time once per request, not once per fact.
    private readonly Dictionary<Resource, DateTimeOffset?> _times;
    private Dictionary<Resource, DateTimeOffset?>? _latestTimes;

    // Many rules test the same codes against the same value sets (three BP tiers, two components each):
    // remember each (value set, concept) answer for the request.
    private readonly Dictionary<(ValueSetIndex, CodeableConcept), Coding?> _matches = new(64, MatchKeyComparer.Instance);

    // The record indexed by code, built on first use: facts ask for the observations or conditions coded in a
    // value set instead of scanning the record (the BP tiers read one set six times; twenty facts read observations).
    private CodeIndex<Observation>? _observationsByCode;
    private CodeIndex<Condition>? _conditionsByCode;
    private CodeIndex<MedicationRequest>? _requestsByCode;
    private CodeIndex<MedicationStatement>? _statementsByCode;
    private CodeIndex<MedicationAdministration>? _administrationsByCode;

    private readonly IReadOnlySet<string> _unretrieved;

    /// <param name="unretrievedTypes">
    /// Resource types the host could not retrieve (a prefetch key that failed, a FHIR query that timed out): facts
    /// over them become undecidable instead of reading the absence of data as "no concern".
    /// </param>
    public PatientRecord(IEnumerable<Resource> resources, IReadOnlyCollection<string>? unretrievedTypes = null)
    {
        _unretrieved = unretrievedTypes is { Count: > 0 } ? new HashSet<string>(unretrievedTypes, StringComparer.Ordinal) : EmptySet;
        var all = resources as IReadOnlyList<Resource> ?? resources.ToList();
        _resources = all;
        var conditions = new List<Condition>();
        var observations = new List<Observation>();
        var medicationRequests = new List<MedicationRequest>();
        var medicationStatements = new List<MedicationStatement>();
        var medicationAdministrations = new List<MedicationAdministration>();
        var medicationDispenses = new List<MedicationDispense>();
        var allergies = new List<AllergyIntolerance>();
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
            }
        }

        Conditions = conditions;
        Observations = observations;
        // Sized for every dated resource the facts read, so the memo never rehashes mid-evaluation.
        _times = new Dictionary<Resource, DateTimeOffset?>(conditions.Count + observations.Count, ReferenceEqualityComparer.Instance);
        MedicationRequests = medicationRequests;
        MedicationStatements = medicationStatements;
        MedicationAdministrations = medicationAdministrations;
        MedicationDispenses = medicationDispenses;
        Allergies = allergies;
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>Whether data of this resource type (e.g. <c>AllergyIntolerance</c>) could not be retrieved for this record.</summary>
    public bool IsUnretrieved(string resourceType) => _unretrieved.Contains(resourceType);

    public Patient? Patient { get; }
    public IReadOnlyList<Condition> Conditions { get; }
    public IReadOnlyList<Observation> Observations { get; }
    public IReadOnlyList<MedicationRequest> MedicationRequests { get; }
    public IReadOnlyList<MedicationStatement> MedicationStatements { get; }
    public IReadOnlyList<MedicationAdministration> MedicationAdministrations { get; }
    public IReadOnlyList<MedicationDispense> MedicationDispenses { get; }
    public IReadOnlyList<AllergyIntolerance> Allergies { get; }

    /// <summary>When an observation was made (effective, else issued), parsed once per record.</summary>
    public DateTimeOffset? TimeOf(Observation observation) => Cached(observation, static o => FhirTime.ObservationTime((Observation)o));

    /// <summary>When a condition began (onset, else recorded date), parsed once per record.</summary>
    public DateTimeOffset? TimeOf(Condition condition) => Cached(condition, static c => FhirTime.ConditionTime((Condition)c));

    /// <summary>The latest instant the observation's date could mean (a partial date is its whole month or year): for look-backs.</summary>
    public DateTimeOffset? LatestTimeOf(Observation observation) => CachedLatest(observation, static o => FhirTime.ObservationLatestTime((Observation)o));

    /// <summary>The latest instant the condition's onset could mean: for look-backs.</summary>
    public DateTimeOffset? LatestTimeOf(Condition condition) => CachedLatest(condition, static c => FhirTime.ConditionLatestTime((Condition)c));

    /// <summary>The observations whose code is in the value set (not their components), in record order.</summary>
    public IReadOnlyList<Observation> ObservationsCodedIn(ValueSetIndex valueSet) =>
        (_observationsByCode ??= new CodeIndex<Observation>(Observations, static o => o.Code)).CodedIn(valueSet);

    /// <summary>The conditions whose code is in the value set, in record order.</summary>
    public IReadOnlyList<Condition> ConditionsCodedIn(ValueSetIndex valueSet) =>
        (_conditionsByCode ??= new CodeIndex<Condition>(Conditions, static c => c.Code)).CodedIn(valueSet);

    /// <summary>Medication requests whose medication (code, referenced Medication or its ingredients) is in the value set.</summary>
    public IReadOnlyList<MedicationRequest> MedicationRequestsCodedIn(ValueSetIndex valueSet) =>
        (_requestsByCode ??= MedicationIndex(MedicationRequests, static r => r.Medication)).CodedIn(valueSet);

    public IReadOnlyList<MedicationStatement> MedicationStatementsCodedIn(ValueSetIndex valueSet) =>
        (_statementsByCode ??= MedicationIndex(MedicationStatements, static s => s.Medication)).CodedIn(valueSet);

    public IReadOnlyList<MedicationAdministration> MedicationAdministrationsCodedIn(ValueSetIndex valueSet) =>
        (_administrationsByCode ??= MedicationIndex(MedicationAdministrations, static a => a.Medication)).CodedIn(valueSet);

    /// <summary>The matching coding of a medication: its concept (or the referenced Medication's), else an ingredient's.</summary>
    public Coding? MedicationMatch(ValueSetIndex valueSet, DataType? medication, DomainResource owner)
    {
        if (Match(valueSet, MedicationConcept(medication, owner)) is { } direct)
        {
            return direct;
        }

        // Only a referenced Medication has ingredients; a coded medication that missed has nothing more to try.
        if (medication is ResourceReference)
        {
            foreach (var ingredient in MedicationIngredients(medication, owner))
            {
                if (valueSet.Match(ingredient) is { } coding)
                {
                    return coding;
                }
            }
        }

        return null;
    }

    private CodeIndex<T> MedicationIndex<T>(IReadOnlyList<T> items, Func<T, DataType?> medicationOf) where T : DomainResource =>
        new(items,
            item => medicationOf(item) switch
            {
                CodeableConcept concept => new GroupKey(concept),
                // Same reference, same Medication.
                ResourceReference { Reference: { } reference } when !reference.StartsWith('#') => new GroupKey(null, reference),
                // Contained Medications belong to their owner: never grouped with another resource.
                _ => new GroupKey(null, null, item),
            },
            item => MedicationConcepts(medicationOf(item), item),
            (item, set) => MedicationMatch(set, medicationOf(item), item) is not null);

    private IEnumerable<CodeableConcept> MedicationConcepts(DataType? medication, DomainResource owner)
    {
        if (MedicationConcept(medication, owner) is { } concept)
        {
            yield return concept;
        }

        foreach (var ingredient in MedicationIngredients(medication, owner))
        {
            yield return ingredient;
        }
    }

    /// <summary>The value set's match for a concept of this record, computed once per request.</summary>
    public Coding? Match(ValueSetIndex valueSet, CodeableConcept? concept)
    {
        if (concept is null)
        {
            return null;
        }

        if (!_matches.TryGetValue((valueSet, concept), out var coding))
        {
            coding = valueSet.Match(concept);
            _matches[(valueSet, concept)] = coding;
        }

        return coding;
    }

    private sealed class MatchKeyComparer : IEqualityComparer<(ValueSetIndex, CodeableConcept)>
    {
        public static MatchKeyComparer Instance { get; } = new();

        public bool Equals((ValueSetIndex, CodeableConcept) x, (ValueSetIndex, CodeableConcept) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((ValueSetIndex, CodeableConcept) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Item1), RuntimeHelpers.GetHashCode(key.Item2));
    }

    private DateTimeOffset? CachedLatest(Resource resource, Func<Resource, DateTimeOffset?> compute)
    {
        _latestTimes ??= new Dictionary<Resource, DateTimeOffset?>(ReferenceEqualityComparer.Instance);
        if (!_latestTimes.TryGetValue(resource, out var time))
        {
            time = compute(resource);
            _latestTimes[resource] = time;
        }

        return time;
    }

    private DateTimeOffset? Cached(Resource resource, Func<Resource, DateTimeOffset?> compute)
    {
        if (!_times.TryGetValue(resource, out var time))
        {
            time = compute(resource);
            _times[resource] = time;
        }

        return time;
    }

    /// <summary>Resolves a literal reference (<c>Medication/123</c>, a full URL ending so, or <c>#contained</c>).</summary>
    public Resource? Resolve(string? reference, DomainResource? container = null)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (reference.StartsWith('#'))
        {
            return container?.Contained.FirstOrDefault(c => c.Id == reference[1..]);
        }

        var byReference = _byReference ??= IndexByReference(_resources);
        if (byReference.TryGetValue(reference, out var direct))
        {
            return direct;
        }

        // Absolute references: keep the last two segments (Type/id).
        var parts = reference.TrimEnd('/').Split('/');
        return parts.Length >= 2 && byReference.TryGetValue($"{parts[^2]}/{parts[^1]}", out var resolved) ? resolved : null;
    }

    private static Dictionary<string, Resource> IndexByReference(IReadOnlyList<Resource> resources)
    {
        var index = new Dictionary<string, Resource>(resources.Count, StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            if (resource.Id is { } id)
            {
                index.TryAdd($"{resource.TypeName}/{id}", resource);
            }
        }

        return index;
    }

    /// <summary>The medication concept of a request, statement or administration, following medicationReference.</summary>
    public CodeableConcept? MedicationConcept(DataType? medication, DomainResource owner) => medication switch
    {
        CodeableConcept concept => concept,
        ResourceReference reference => (Resolve(reference.Reference, owner) as Medication)?.Code,
        _ => null,
    };

    /// <summary>Ingredient concepts of a referenced Medication (a clinical drug coded only by its ingredients).</summary>
    public IEnumerable<CodeableConcept> MedicationIngredients(DataType? medication, DomainResource owner)
    {
        if (medication is ResourceReference reference && Resolve(reference.Reference, owner) is Medication resolved)
        {
            foreach (var ingredient in resolved.Ingredient)
            {
                if (ingredient.Item is CodeableConcept concept)
                {
                    yield return concept;
                }
            }
        }
    }
}
