using KetamineCds.Rules.Conditions;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Evaluation;

public enum Indicator
{
    Info,
    Warning,
    Critical,
}

/// <summary>What a fired rule (or a check that could not be completed) tells the clinician, ready to become a card.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required string RuleVersion { get; init; }
    public required string Category { get; init; }
    public required Indicator Indicator { get; init; }
    public required string Summary { get; init; }
    public required string Detail { get; init; }
    public required FindingSource Source { get; init; }
    public IReadOnlyList<FindingSuggestion> Suggestions { get; init; } = [];
    public IReadOnlyList<Coding> OverrideReasons { get; init; } = [];
    public IReadOnlyList<FindingLink> Links { get; init; } = [];
    public IReadOnlyList<EvidenceItem> Evidence { get; init; } = [];
    /// <summary>True when this finding says a check could not be completed (never "no concern").</summary>
    public bool IsIncompleteCheck { get; init; }
}

public sealed record FindingSource(string Label, string? Url, Coding? Topic);

public sealed record FindingLink(string Label, string Url);

/// <summary>A suggestion with its one action: delete the draft order, or create a resource (e.g. a missing test).</summary>
public sealed record FindingSuggestion(string Label, bool? IsRecommended, string ActionType, string ActionDescription, string? ResourceId, Resource? Resource);
