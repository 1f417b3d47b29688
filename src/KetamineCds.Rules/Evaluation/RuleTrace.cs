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
public sealed record RuleTrace(string RuleId, string RuleVersion, RuleOutcome Outcome, string Explanation, IReadOnlyList<Evidence> Evidence);
