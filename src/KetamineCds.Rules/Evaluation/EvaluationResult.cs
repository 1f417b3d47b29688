using KetamineCds.Rules.Conditions;
namespace KetamineCds.Rules.Evaluation;

/// <summary>The findings to show (most urgent first) and the trace of every rule that applied to the hook.</summary>
public sealed record EvaluationResult(IReadOnlyList<Finding> Findings, IReadOnlyList<RuleTrace> Trace)
{
    public IEnumerable<RuleTrace> Errors => Trace.Where(t => t.Outcome == RuleOutcome.Error);
}
