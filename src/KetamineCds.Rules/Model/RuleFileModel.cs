using System.Text.Json.Serialization;

namespace KetamineCds.Rules.Model;

// The wire shape of rule files, as admins write them (YAML, converted to JSON and checked against
// rules/schema/rule-file.schema.json before it gets here). Compiled into executable rules by RulePackCompiler.

/// <summary>pack.yaml: identity of the pack and the files it is made of. A rule file is a list of <see cref="RuleSpec"/>
/// under <c>rules</c>, read rule by rule so one rule's schema error does not hide the others' semantic errors.</summary>
public sealed record PackManifest
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> RuleFiles { get; init; } = [];
    /// <summary>Rule files kept in the pack's folders but deliberately not loaded (drafts, retired files).</summary>
    public IReadOnlyList<string> ExcludeFiles { get; init; } = [];
    public IReadOnlyList<string> ValueSetFolders { get; init; } = ["valuesets"];
    public string? AntidepressantDoseTable { get; init; }
    /// <summary>The benzodiazepine equivalence table (diazepam-equivalent daily doses), for pharmacy sign-off.</summary>
    public string? BenzodiazepineEquivalents { get; init; }
    /// <summary>The value set that identifies a ketamine order (ingredient and clinical-drug codes).</summary>
    public required string OrderValueSet { get; init; }
    public string? TentativeIndicator { get; init; }
    public OtherIndicationsSpec? OtherIndications { get; init; }
    public MedicationActivitySpec? MedicationActivity { get; init; }
    public InterventionSpec? Intervention { get; init; }
    public CardPolicySpec? CardPolicy { get; init; }
}

/// <summary>
/// pack.yaml <c>cardPolicy</c>: when each class of card is shown at each hook, so a card reaches the clinician when it
/// can change a decision and is not repeated at the next hook. Every value has a default (see
/// <see cref="Evaluation.CardPolicy.Default"/>); a governance group changes them here.
/// </summary>
public sealed record CardPolicySpec
{
    /// <summary>A caution or interaction shown to a user is not repeated for the same draft and evidence within this window.</summary>
    public string? RepeatWindow { get; init; }
    /// <summary>The candidacy card is shown at most once per patient per finding within this interval.</summary>
    public string? CandidacyInterval { get; init; }
    /// <summary>How long a course milestone, once shown, is remembered.</summary>
    public string? CourseMemory { get; init; }
    /// <summary>A course card of warning or above is shown again after this quiet interval while it still holds.</summary>
    public string? CourseReminder { get; init; }
    /// <summary>A threshold card, once shown for a patient, is shown again only after this interval.</summary>
    public string? ThresholdReminder { get; init; }
    /// <summary>Holds when a ketamine series is in progress; its absence makes an order the first of a series.</summary>
    public ConditionSpec? SeriesInProgress { get; init; }
    /// <summary>Data gaps still shown at order-sign: the safety-relevant ones.</summary>
    public IReadOnlyList<string>? OrderSignDataGaps { get; init; }
    /// <summary>Hook → card class → mode; a class a hook does not name keeps the default.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Hooks { get; init; }
    public ReviewSpec? Review { get; init; }
}

/// <summary>pack.yaml <c>cardPolicy.review</c>: when the statistics flag a rule for the governance group to review.</summary>
public sealed record ReviewSpec
{
    /// <summary>Flag a rule overridden in more than this share of the cards shown (default 0.9).</summary>
    public double? OverrideShare { get; init; }
    /// <summary>Over this window (default 90d).</summary>
    public string? Window { get; init; }
    /// <summary>Only once it has shown this many cards (default 20).</summary>
    public int? MinimumShown { get; init; }
}

/// <summary>
/// pack.yaml <c>intervention</c>: who stands behind the pack's decision support, for the public rule pages and the
/// source attributes ONC HTI-1 asks of evidence-based interventions (45 CFR 170.315(b)(11)(iv)(A)).
/// </summary>
public sealed record InterventionSpec
{
    /// <summary>Who translated the evidence into these rules (organisation, team).</summary>
    public required string Developer { get; init; }
    public string? Contact { get; init; }
    public string? FundingSource { get; init; }
    /// <summary>What the pack is for and for whom; a rule's own <c>intendedUse</c> narrows it.</summary>
    public required string IntendedUse { get; init; }
    /// <summary>The governance body that signed off this version, and when (null until it has).</summary>
    public string? SignedOffBy { get; init; }
    public string? SignedOffOn { get; init; }
    /// <summary>When this version of the pack was released.</summary>
    public string? Released { get; init; }
}

/// <summary>pack.yaml <c>medicationActivity</c>: how long a pharmacy fill and an administration count as taking a drug.</summary>
public sealed record MedicationActivitySpec
{
    public string DefaultDaysSupply { get; init; } = "30d";
    public string AdministeredWithin { get; init; } = "14d";
}

/// <summary>pack.yaml <c>otherIndications</c>: how a ketamine order for anaesthesia, sedation or analgesia is told apart.</summary>
public sealed record OtherIndicationsSpec
{
    public string? ReasonValueSet { get; init; }
    public IReadOnlyList<string> ReasonWords { get; init; } = [];
    public IReadOnlyList<string> DepressionValueSets { get; init; } = [];
}

public sealed record RuleSpec
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public required string Status { get; init; }
    public required string Title { get; init; }
    public required string Category { get; init; }
    public IReadOnlyList<string> Hooks { get; init; } = [];
    /// <summary>Rules sharing a group show one card: the most urgent that fired (tiers such as the BP bands).</summary>
    public string? Group { get; init; }
    public ConditionSpec? When { get; init; }
    public IReadOnlyList<ChecklistItemSpec>? Checklist { get; init; }
    public required CardSpec Card { get; init; }
    public IReadOnlyList<ReferenceSpec> References { get; init; } = [];
    public required string LastReviewed { get; init; }
    /// <summary>What this rule is for, in a sentence for the public rule page (else the pack's intended use).</summary>
    public string? IntendedUse { get; init; }
    /// <summary>Where the rule's thresholds come from, for the governance group and the public rule page.</summary>
    public string? ThresholdSource { get; init; }
    /// <summary>The card class the card policy treats this rule's cards as (else derived from its category).</summary>
    public string? Policy { get; init; }
    /// <summary>Who approved this version of the rule (the CDS committee, a named lead), and when.</summary>
    public string? ApprovedBy { get; init; }
    public string? ApprovedOn { get; init; }
}

public sealed record ChecklistItemSpec
{
    public required string Label { get; init; }
    public required ConditionSpec When { get; init; }
}

/// <summary>
/// One node of a condition tree: exactly one of all / any / not / ref / fact. Facts are a closed set
/// implemented in C# (see Facts/); their parameters sit beside <see cref="Fact"/>.
/// </summary>
public sealed record ConditionSpec
{
    public IReadOnlyList<ConditionSpec>? All { get; init; }
    public IReadOnlyList<ConditionSpec>? Any { get; init; }
    public ConditionSpec? Not { get; init; }
    /// <summary>True when the condition of the named rule holds.</summary>
    public string? Ref { get; init; }

    public string? Fact { get; init; }
    public string? ValueSet { get; init; }
    public string? Component { get; init; }
    public string? Within { get; init; }
    public string? Status { get; init; }
    public ComparisonSpec? Value { get; init; }
    public ComparisonSpec? Count { get; init; }
    public string? Coded { get; init; }
    public IReadOnlyList<string>? Text { get; init; }
    public IReadOnlyList<string>? Gender { get; init; }
    public string? Property { get; init; }
    public bool? Absent { get; init; }
    public string? Where { get; init; }
    public int? MinDays { get; init; }
    public bool? Preliminary { get; init; }
    public bool? AnyPositive { get; init; }
    /// <summary>observation: holds when any result in the window passes, whatever came after (a BP surge last week).</summary>
    public bool? AnyResult { get; init; }
    public string? ExpiresAfter { get; init; }
    public string? Scores { get; init; }
    public string? Gap { get; init; }
    /// <summary>ketamineSeries: the longest pause that keeps a course going once its induction is complete (maintenance).</summary>
    public string? MaintenanceGap { get; init; }
    /// <summary>ketamineSeries: sessions in an induction; after them the course is in maintenance.</summary>
    public int? Induction { get; init; }
}

/// <summary>A comparison written as one operator key: <c>{ ge: 180, unit: "mm[Hg]" }</c>.</summary>
public sealed record ComparisonSpec
{
    public decimal? Gt { get; init; }
    public decimal? Ge { get; init; }
    public decimal? Lt { get; init; }
    public decimal? Le { get; init; }
    public decimal? Eq { get; init; }
    public decimal? Ne { get; init; }
    public string? Unit { get; init; }
}

public sealed record CardSpec
{
    public required string Indicator { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required SourceSpec Source { get; init; }
    public IReadOnlyList<SuggestionSpec>? Suggestions { get; init; }
    public IReadOnlyList<CodingSpec>? OverrideReasons { get; init; }
    public IReadOnlyList<LinkSpec>? Links { get; init; }
}

public sealed record SourceSpec
{
    public required string Label { get; init; }
    public string? Url { get; init; }
    public CodingSpec? Topic { get; init; }
}

public sealed record SuggestionSpec
{
    public required string Label { get; init; }
    /// <summary><c>delete-draft-order</c> or <c>create-service-request</c>.</summary>
    public required string Action { get; init; }
    public CodingSpec? Code { get; init; }
    public bool? IsRecommended { get; init; }
}

public sealed record CodingSpec
{
    public required string System { get; init; }
    public required string Code { get; init; }
    public string? Display { get; init; }
}

public sealed record LinkSpec
{
    public required string Label { get; init; }
    public required string Url { get; init; }
}

public sealed record ReferenceSpec
{
    public required string Citation { get; init; }
    public string? Url { get; init; }
    public string? Strength { get; init; }
}

public sealed record DoseTableFile
{
    public string? Source { get; init; }
    public IReadOnlyList<DoseTableRow> Ingredients { get; init; } = [];
}

public sealed record DoseTableRow : IIngredientRow
{
    public required string Name { get; init; }
    [JsonPropertyName("rxnorm")]
    public required string RxNorm { get; init; }
    public required decimal MinDailyMg { get; init; }
    public IReadOnlyList<string> Synonyms { get; init; } = [];

    [JsonIgnore]
    public string HashLine => $"{Name}|{RxNorm}|{MinDailyMg.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{string.Join(",", Synonyms)}";
}

/// <summary><c>tables/benzodiazepine-equivalents.yaml</c>: the oral dose of each benzodiazepine equivalent to 10 mg of diazepam.</summary>
public sealed record EquivalenceTableFile
{
    public string? Source { get; init; }
    public IReadOnlyList<EquivalenceRow> Ingredients { get; init; } = [];
}

public sealed record EquivalenceRow : IIngredientRow
{
    public required string Name { get; init; }
    [JsonPropertyName("rxnorm")]
    public required string RxNorm { get; init; }
    /// <summary>The daily mg of this drug taken as equal to 10 mg of diazepam.</summary>
    public required decimal MgEqualTo10MgDiazepam { get; init; }
    public IReadOnlyList<string> Synonyms { get; init; } = [];

    [JsonIgnore]
    public string HashLine => $"{Name}|{RxNorm}|{MgEqualTo10MgDiazepam.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{string.Join(",", Synonyms)}";
}
