using KetamineCds.Rules.Conditions;
namespace KetamineCds.Rules.Evaluation;

/// <summary>The findings to show (most urgent first) and the trace of every rule that applied to the hook.</summary>
public sealed record EvaluationResult(IReadOnlyList<Finding> Findings, IReadOnlyList<RuleTrace> Trace)
{
    /// <summary>
    /// Medication-bearing resources of the record whose drug nobody can identify (a reference that neither resolves nor
    /// names its drug), as <c>Type/id (reference)</c>: every check over medications is incomplete while they are there.
    /// </summary>
    public IReadOnlyList<string> UnidentifiedMedications { get; init; } = [];

    /// <summary>Whether a ketamine series is in progress (the card policy's <c>seriesInProgress</c>): false makes this order a first.</summary>
    public bool SeriesInProgress { get; init; }

    public IEnumerable<RuleTrace> Errors => Trace.Where(t => t.Outcome == RuleOutcome.Error);
}
