using System.Runtime.CompilerServices;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Record;

/// <summary>
/// The per-request memory over a <see cref="PatientRecord"/>: each resource's time parsed once, the record indexed by
/// code on first use (facts ask "which observations are coded in this set?" instead of scanning the record: the BP
/// tiers read one set six times, twenty facts read observations), and each (value set, concept) answer kept. Filled
/// lazily as facts ask; never shared between requests.
/// </summary>
public sealed class RecordIndex
{
    private readonly PatientRecord _record;

    // FHIR dates are strings: parse each resource's clinically relevant time once per request, not once per fact.
    private readonly Dictionary<Resource, DateTimeOffset?> _times;
    private Dictionary<Resource, DateTimeOffset?>? _latestTimes;

    // Many rules test the same codes against the same value sets (three BP tiers, two components each).
    private readonly Dictionary<(ValueSetIndex, CodeableConcept), Coding?> _matches = new(64, MatchKeyComparer.Instance);

    private CodeIndex<Observation>? _observationsByCode;
    private CodeIndex<Condition>? _conditionsByCode;
    private CodeIndex<Procedure>? _proceduresByCode;
    private CodeIndex<ServiceRequest>? _serviceRequestsByCode;
    private CodeIndex<MedicationRequest>? _requestsByCode;
    private CodeIndex<MedicationStatement>? _statementsByCode;
    private CodeIndex<MedicationAdministration>? _administrationsByCode;
    private CodeIndex<MedicationDispense>? _dispensesByCode;

    internal RecordIndex(PatientRecord record)
    {
        _record = record;
        // Sized for every dated resource the facts read, so the memo never rehashes mid-evaluation.
        _times = new Dictionary<Resource, DateTimeOffset?>(record.Conditions.Count + record.Observations.Count, ReferenceEqualityComparer.Instance);
    }

    /// <summary>When an observation was made (effective, else issued), parsed once per record.</summary>
    public DateTimeOffset? TimeOf(Observation observation) => Cached(_times, observation, static o => FhirTime.ObservationTime((Observation)o));

    /// <summary>When a condition began (onset, else recorded date), parsed once per record.</summary>
    public DateTimeOffset? TimeOf(Condition condition) => Cached(_times, condition, static c => FhirTime.ConditionTime((Condition)c));

    /// <summary>The latest instant the observation's date could mean (a partial date is its whole month or year): for look-backs.</summary>
    public DateTimeOffset? LatestTimeOf(Observation observation) =>
        Cached(_latestTimes ??= new(ReferenceEqualityComparer.Instance), observation, static o => FhirTime.ObservationLatestTime((Observation)o));

    /// <summary>The latest instant the condition's onset could mean: for look-backs.</summary>
    public DateTimeOffset? LatestTimeOf(Condition condition) =>
        Cached(_latestTimes ??= new(ReferenceEqualityComparer.Instance), condition, static c => FhirTime.ConditionLatestTime((Condition)c));

    /// <summary>The observations whose code is in the value set (not their components), in record order.</summary>
    public IReadOnlyList<Observation> ObservationsCodedIn(ValueSetIndex valueSet) =>
        (_observationsByCode ??= new CodeIndex<Observation>(_record.Observations, static o => o.Code)).CodedIn(valueSet);

    private List<Observation>? _panels;
    private readonly Dictionary<ValueSetIndex, IReadOnlyList<Observation>> _panelsBySet = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Observations not coded in the value set that hold a component coded in it: a panel that carries its items as
    /// components (a PHQ-9 panel 44249-1 with the total 44261-6 and item 9 as components), in record order.
    /// </summary>
    public IReadOnlyList<Observation> PanelsWithComponentIn(ValueSetIndex valueSet)
    {
        if (_panelsBySet.TryGetValue(valueSet, out var found))
        {
            return found;
        }

        _panels ??= [.. _record.Observations.Where(o => o.Component.Count > 0)];
        found = [.. _panels.Where(o => Match(valueSet, o.Code) is null && o.Component.Any(c => Match(valueSet, c.Code) is not null))];
        _panelsBySet[valueSet] = found;
        return found;
    }

    /// <summary>The conditions whose code is in the value set, in record order.</summary>
    public IReadOnlyList<Condition> ConditionsCodedIn(ValueSetIndex valueSet) =>
        (_conditionsByCode ??= new CodeIndex<Condition>(_record.Conditions, static c => c.Code)).CodedIn(valueSet);

    /// <summary>The procedures whose code is in the value set, in record order.</summary>
    public IReadOnlyList<Procedure> ProceduresCodedIn(ValueSetIndex valueSet) =>
        (_proceduresByCode ??= new CodeIndex<Procedure>(_record.Procedures, static p => p.Code)).CodedIn(valueSet);

    /// <summary>The service requests whose code is in the value set, in record order.</summary>
    public IReadOnlyList<ServiceRequest> ServiceRequestsCodedIn(ValueSetIndex valueSet) =>
        (_serviceRequestsByCode ??= new CodeIndex<ServiceRequest>(_record.ServiceRequests, static s => s.Code)).CodedIn(valueSet);

    /// <summary>Medication requests whose medication (code, referenced Medication or its ingredients) is in the value set.</summary>
    public IReadOnlyList<MedicationRequest> MedicationRequestsCodedIn(ValueSetIndex valueSet) =>
        (_requestsByCode ??= MedicationIndex(_record.MedicationRequests, static r => r.Medication)).CodedIn(valueSet);

    public IReadOnlyList<MedicationStatement> MedicationStatementsCodedIn(ValueSetIndex valueSet) =>
        (_statementsByCode ??= MedicationIndex(_record.MedicationStatements, static s => s.Medication)).CodedIn(valueSet);

    public IReadOnlyList<MedicationAdministration> MedicationAdministrationsCodedIn(ValueSetIndex valueSet) =>
        (_administrationsByCode ??= MedicationIndex(_record.MedicationAdministrations, static a => a.Medication)).CodedIn(valueSet);

    public IReadOnlyList<MedicationDispense> MedicationDispensesCodedIn(ValueSetIndex valueSet) =>
        (_dispensesByCode ??= MedicationIndex(_record.MedicationDispenses, static d => d.Medication)).CodedIn(valueSet);

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

    private CodeIndex<T> MedicationIndex<T>(IReadOnlyList<T> items, Func<T, DataType?> medicationOf) where T : DomainResource
    {
        var medications = _record.Medications;
        return new(items,
            item => medicationOf(item) switch
            {
                CodeableConcept concept => new GroupKey(concept),
                // Same reference, same Medication (or the same dangling display).
                ResourceReference { Reference: { } reference } r when !reference.StartsWith('#') => new GroupKey(null, $"{reference}\n{r.Display}"),
                // Contained Medications belong to their owner: never grouped with another resource.
                _ => new GroupKey(null, null, item),
            },
            item => medications.Concepts(medicationOf(item), item),
            (item, set) => medications.Match(set, medicationOf(item), item, this) is not null);
    }

    private static DateTimeOffset? Cached(Dictionary<Resource, DateTimeOffset?> memo, Resource resource, Func<Resource, DateTimeOffset?> compute)
    {
        if (!memo.TryGetValue(resource, out var time))
        {
            time = compute(resource);
            memo[resource] = time;
        }

        return time;
    }

    private sealed class MatchKeyComparer : IEqualityComparer<(ValueSetIndex, CodeableConcept)>
    {
        public static MatchKeyComparer Instance { get; } = new();

        public bool Equals((ValueSetIndex, CodeableConcept) x, (ValueSetIndex, CodeableConcept) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((ValueSetIndex, CodeableConcept) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Item1), RuntimeHelpers.GetHashCode(key.Item2));
    }
}
