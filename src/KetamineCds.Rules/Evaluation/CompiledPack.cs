using Hl7.Fhir.Model;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Evaluation;

/// <summary>A loaded, validated rule pack: immutable, so a reload swaps it whole and in-flight requests keep theirs.</summary>
public sealed class CompiledPack
{
    internal CompiledPack(string name, string version, string contentHash, IReadOnlyList<CompiledRule> rules,
        IReadOnlyDictionary<string, ValueSetIndex> valueSets, ValueSetIndex orderValueSet, AntidepressantDoseTable doses)
    {
        Name = name;
        Version = version;
        ContentHash = contentHash;
        Rules = rules;
        RulesById = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        ValueSets = valueSets;
        OrderValueSet = orderValueSet;
        Doses = doses;

        _overrideReasonDisplays = rules.SelectMany(r => r.OverrideReasons)
            .Where(r => r.System is not null && r.Code is not null && !string.IsNullOrEmpty(r.Display))
            .DistinctBy(r => (r.System, r.Code))
            .ToDictionary(r => (r.System!, r.Code!), r => r.Display!);
    }

    private readonly Dictionary<(string System, string Code), string> _overrideReasonDisplays;

    /// <summary>
    /// The display of an override reason the pack's cards offer. Clients may send back only code and system
    /// (CDS Hooks 2.0 §Overridden guidance lets them), so statistics fill the words from what the card offered.
    /// </summary>
    public string? OverrideReasonDisplay(string system, string code) => _overrideReasonDisplays.GetValueOrDefault((system, code));

    public string Name { get; }
    public string Version { get; }

    /// <summary><c>name@version</c>: how cards, logs, audit and metrics name the pack.</summary>
    public string Label => $"{Name}@{Version}";
    /// <summary>SHA-256 of every file of the pack, so a card can be traced to the exact text that produced it.</summary>
    public string ContentHash { get; }
    public IReadOnlyList<CompiledRule> Rules { get; }
    public IReadOnlyDictionary<string, CompiledRule> RulesById { get; }
    public IReadOnlyDictionary<string, ValueSetIndex> ValueSets { get; }
    public ValueSetIndex OrderValueSet { get; }
    public AntidepressantDoseTable Doses { get; }

    /// <summary>The benzodiazepine equivalence table (pack.yaml <c>benzodiazepineEquivalents</c>), empty when the pack has none.</summary>
    public IngredientTable<EquivalenceRow> BenzodiazepineEquivalents { get; init; } = PackTables.Empty.BenzodiazepineEquivalents;

    /// <summary>What the active rules read from a record: the types, and each observation value set with its look-back.</summary>
    public RecordReads Reads { get; init; } = new();

    /// <summary>
    /// The urgency of a critical card whose only evidence is tentative (provisional or differential diagnosis,
    /// intolerance, unconfirmed allergy): pack.yaml <c>tentativeIndicator</c>, warning by default. The clinician still
    /// sees it, with the evidence marked, but it does not read as a confirmed contraindication.
    /// </summary>
    public Indicator TentativeIndicator { get; init; } = Indicator.Warning;

    /// <summary>When each class of card is shown at each hook (pack.yaml <c>cardPolicy</c>).</summary>
    public CardPolicy CardPolicy { get; init; } = CardPolicy.Default;

    private Dictionary<string, string>? _cardClasses;

    /// <summary>The card class the policy treats a rule's cards as (see <see cref="CardPolicy.ClassOf"/>).</summary>
    public string CardClassOf(string ruleId) =>
        (_cardClasses ??= Rules.ToDictionary(r => r.Id, r => CardPolicy.ClassOf(r, RulesById), StringComparer.Ordinal)).GetValueOrDefault(ruleId)
        ?? CardClasses.Caution;

    /// <summary>Who stands behind the pack (pack.yaml <c>intervention</c>): developer, intended use, sign-off, release.</summary>
    public Model.InterventionSpec? Intervention { get; init; }

    private Dictionary<string, InterventionDetails>? _details;
    private Dictionary<string, string>? _contentHashes;

    /// <summary>Each rule's content hash (see <see cref="RuleContent"/>), made once per pack on first use.</summary>
    public IReadOnlyDictionary<string, string> RuleContentHashes =>
        _contentHashes ??= Rules.ToDictionary(r => r.Id, r => RuleContent.Hash(r, this), StringComparer.Ordinal);

    /// <summary>The public details of each rule (see <see cref="InterventionDetails"/>), made once per pack on first use.</summary>
    public IReadOnlyDictionary<string, InterventionDetails> Details =>
        _details ??= Rules.ToDictionary(r => r.Id, r => InterventionDetails.Of(r, this), StringComparer.Ordinal);

    /// <summary>How the pack tells a ketamine order written for another indication (pack.yaml <c>otherIndications</c>).</summary>
    public OtherIndications OtherIndications { get; init; } = OtherIndications.None;

    /// <summary>
    /// The earliest observation date any active rule can look at, so a FHIR query may ask only for recent data
    /// (fetch only what the rules read). Null means the whole history is needed.
    /// </summary>
    public DateTimeOffset? ObservationsNeededSince(DateTimeOffset now) => Reads.LongestObservationWindow?.Since(now);

    /// <summary>
    /// Which entries of a record a rule of this pack could read, judged from their JSON at <paramref name="now"/>: the
    /// filter the record reader applies before it builds anything (<see cref="PackRecordFilter"/>).
    /// </summary>
    public IRecordFilter RecordFilter(DateTimeOffset now) => new PackRecordFilter(this, now);

    /// <summary>
    /// Whether a MedicationRequest orders ketamine: coded at ingredient or clinical-drug level, directly, through a
    /// contained or referenced Medication (its code or ingredients), or, when a reference cannot be followed, by the
    /// name its display gives.
    /// </summary>
    public bool IsKetamineOrder(MedicationRequest request, PatientRecord record) =>
        OrderValueSet.Match(request.Medication as CodeableConcept) is not null
        || record.Medications.Concepts(request.Medication, request).Any(concept => OrderValueSet.Match(concept) is not null);

    // Drug names recur across requests: whether one names an ingredient the pack knows is remembered (bounded).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _ingredientNames = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether a medication's names (its codings' displays and text) name an ingredient one of the pack's value sets
    /// matches by name, or the antidepressant dose table knows: such a medication is one a rule can read.
    /// </summary>
    internal bool NamesAnIngredient(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return false;
        }

        var key = string.Join("\n", concept.Coding.Select(c => c.Display).Append(concept.Text));
        if (_ingredientNames.TryGetValue(key, out var known))
        {
            return known;
        }

        var names = ValueSets.Values.Any(set => set.MatchesIngredientNames && set.Match(concept) is not null) || Doses.Identify(concept) is not null;
        if (_ingredientNames.Count < 20_000)
        {
            _ingredientNames.TryAdd(key, names);
        }

        return names;
    }

    /// <summary>The draft ketamine orders of the hook; for order-select the selected ones come first.</summary>
    public IReadOnlyList<MedicationRequest> FindKetamineOrders(HookContext hook, PatientRecord record)
    {
        // An order for anaesthesia, sedation or analgesia is not this pack's business (pack.yaml otherIndications).
        var orders = hook.DraftOrders.Where(o => IsKetamineOrder(o, record) && !OtherIndications.Applies(o, record, out _)).ToList();
        return [.. orders.OrderByDescending(o => hook.Selections.Contains($"MedicationRequest/{o.Id}"))];
    }
}
