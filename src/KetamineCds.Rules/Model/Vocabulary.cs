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
