using KetamineCds.Rules.Conditions;
namespace KetamineCds.Rules.Evaluation;

public enum RuleOutcome
{
    Fired,
    Silent,
    /// <summary>The data needed to decide was missing.</summary>
    Unknown,
    /// <summary>The rule threw; the clinician gets an incomplete-check card.</summary>
    Error,
    /// <summary>Fired, but a more urgent rule of the same group speaks for it.</summary>
    Superseded,
}

/// <summary>What one rule did in one evaluation, and why: the basis of the preview page and of rule tests.</summary>
public sealed record RuleTrace
{
    private readonly Func<string>? _explain;
    private readonly ConditionResult? _result;
    private string? _explanation;

    public RuleTrace(string ruleId, string ruleVersion, RuleOutcome outcome, string explanation, IReadOnlyList<EvidenceItem> evidence)
        : this(ruleId, ruleVersion, outcome, evidence) => _explanation = explanation;

    /// <param name="explain">Builds the explanation when it is first read.</param>
    public RuleTrace(string ruleId, string ruleVersion, RuleOutcome outcome, Func<string> explain, IReadOnlyList<EvidenceItem> evidence)
        : this(ruleId, ruleVersion, outcome, evidence) => _explain = explain;

    /// <summary>A rule's condition result as evaluated: its explanation is the result's, written only when read.</summary>
    public RuleTrace(string ruleId, string ruleVersion, RuleOutcome outcome, ConditionResult result)
        : this(ruleId, ruleVersion, outcome, result.Evidence) => _result = result;

    private RuleTrace(string ruleId, string ruleVersion, RuleOutcome outcome, IReadOnlyList<EvidenceItem> evidence)
    {
        RuleId = ruleId;
        RuleVersion = ruleVersion;
        Outcome = outcome;
        Evidence = evidence;
    }

    public string RuleId { get; }
    public string RuleVersion { get; }
    public RuleOutcome Outcome { get; }
    public IReadOnlyList<EvidenceItem> Evidence { get; }
    public string Explanation => _explanation ??= _result?.Explanation ?? _explain!();
}
