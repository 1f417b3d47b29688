namespace KetamineCds.Rules.Model;

// The words the rule files, the engine, the host and the preview page share, defined once. SchemaVocabularyTests pins
// each set to the enums of rules/schema/rule-file.schema.json, so a word added on one side only fails a test.

/// <summary>The CDS Hooks 2.0 hooks the pack advises on.</summary>
public static class Hooks
{
    public const string OrderSelect = "order-select";
    public const string OrderSign = "order-sign";
    public const string PatientView = "patient-view";

    public static IReadOnlyList<string> All { get; } = [OrderSelect, OrderSign, PatientView];

    /// <summary>Order hooks carry draft orders; patient-view does not.</summary>
    public static bool IsOrderHook(string hook) => hook is OrderSelect or OrderSign;
}

/// <summary>A rule's lifecycle: only active rules run.</summary>
public static class RuleStatuses
{
    public const string Draft = "draft";
    public const string Active = "active";
    public const string Retired = "retired";

    public static IReadOnlyList<string> All { get; } = [Draft, Active, Retired];
}

/// <summary>What a rule is about; a contraindication that cannot be decided is shown as an incomplete check.</summary>
public static class RuleCategories
{
    public const string Eligibility = "eligibility";
    public const string Contraindication = "contraindication";
    public const string Caution = "caution";
    public const string Interaction = "interaction";
    public const string Monitoring = "monitoring";
    public const string DataGap = "data-gap";

    public static IReadOnlyList<string> All { get; } = [Eligibility, Contraindication, Caution, Interaction, Monitoring, DataGap];
}

/// <summary>The keys of the card <c>extension</c> that trace a card to its rule and pack (CDS Hooks 2.0 §Extensions).</summary>
public static class CardExtensions
{
    /// <summary><c>ruleId@version</c> of the rule that produced the card.</summary>
    public const string Rule = "org.ketaminecds.rule";

    /// <summary><c>name@version</c> of the pack the rule came from.</summary>
    public const string Pack = "org.ketaminecds.pack";
}

/// <summary>
/// What a card is for, as the card policy (pack.yaml <c>cardPolicy</c>) sees it: each class has its own rule per hook
/// for when its cards are shown. A rule's class comes from its category unless it names one (<c>policy:</c>).
/// </summary>
public static class CardClasses
{
    public const string Eligibility = "eligibility";
    public const string Contraindication = "contraindication";
    public const string Caution = "caution";
    public const string OrderDetail = "orderDetail";
    public const string DataGap = "dataGap";
    public const string Course = "course";
    public const string MonitoringReminder = "monitoringReminder";
    public const string Candidacy = "candidacy";

    /// <summary>A threshold the course crosses once and stays past (cumulative exposure, liver tests due): news when crossed, not at every order after.</summary>
    public const string Threshold = "threshold";

    public static IReadOnlyList<string> All { get; } = [Eligibility, Contraindication, Caution, OrderDetail, DataGap, Course, MonitoringReminder, Candidacy, Threshold];
}

/// <summary>When a card of a class is shown at a hook (pack.yaml <c>cardPolicy.hooks</c>).</summary>
public static class PolicyModes
{
    /// <summary>Every time it fires.</summary>
    public const string Always = "always";

    /// <summary>Never at this hook.</summary>
    public const string Never = "never";

    /// <summary>Eligibility: one card, the most urgent unmet (or uncheckable) criterion; nothing when every criterion is met.</summary>
    public const string NotMet = "notMet";

    /// <summary>Only when the order detail it checks is there to check (not a "check incomplete" on a half-written order).</summary>
    public const string WhenDecided = "whenDecided";

    /// <summary>Unless the same finding (rule@version and evidence) was overridden with a reason for this draft order.</summary>
    public const string UnlessOverridden = "unlessOverridden";

    /// <summary>Unless shown to the same user for the same patient, draft, rule@version and evidence within <c>repeatWindow</c>.</summary>
    public const string NotRepeated = "notRepeated";

    /// <summary>Only the rules listed in <c>orderSignDataGaps</c> (safety-relevant gaps: blood pressure, weight, hCG).</summary>
    public const string Listed = "listed";

    /// <summary>
    /// Once per patient per rule (not per score: a new score in the same category is not a milestone) within
    /// <c>courseMemory</c>; a card of warning or above comes back after <c>courseReminder</c> while it still holds.
    /// </summary>
    public const string Milestone = "milestone";

    /// <summary>Only on the first order of a series (no series in progress: <c>seriesInProgress</c> does not hold).</summary>
    public const string FirstOfSeries = "firstOfSeries";

    /// <summary>To a Practitioner or PractitionerRole user, at most once per patient per finding within <c>candidacyInterval</c>.</summary>
    public const string Interval = "interval";

    /// <summary>Once per patient per rule when first crossed (at whichever hook comes first), again only after <c>thresholdReminder</c>.</summary>
    public const string CrossedOnce = "crossedOnce";

    public static IReadOnlyList<string> All { get; } = [Always, Never, NotMet, WhenDecided, UnlessOverridden, NotRepeated, Listed, Milestone, FirstOfSeries, Interval, CrossedOnce];
}
