using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Rules.Facts;

internal sealed class AllCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    public ConditionResult Evaluate(EvaluationContext context)
    {
        var results = parts.Select(p => p.Evaluate(context)).ToList();
        var truth = results.Any(r => r.Truth == Truth.False) ? Truth.False
            : results.Any(r => r.Truth == Truth.Unknown) ? Truth.Unknown
            : Truth.True;
        // Evidence of an all() is the evidence of the parts that held: they are what fired it.
        var evidence = results.Where(r => r.Truth == Truth.True).SelectMany(r => r.Evidence).ToList();
        var explanation = string.Join("; and ", results.Select(r => r.Explanation));
        return new ConditionResult(truth, evidence, explanation);
    }
}

internal sealed class AnyCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    public ConditionResult Evaluate(EvaluationContext context)
    {
        var results = parts.Select(p => p.Evaluate(context)).ToList();
        var held = results.Where(r => r.Truth == Truth.True).ToList();
        var truth = held.Count > 0 ? Truth.True
            : results.Any(r => r.Truth == Truth.Unknown) ? Truth.Unknown
            : Truth.False;
        var shown = held.Count > 0 ? held : results;
        return new ConditionResult(truth, held.SelectMany(r => r.Evidence).ToList(),
            string.Join("; or ", shown.Select(r => r.Explanation)));
    }
}

internal sealed class NotCondition(ICondition inner) : ICondition
{
    public ConditionResult Evaluate(EvaluationContext context)
    {
        var result = inner.Evaluate(context);
        var truth = result.Truth switch
        {
            Truth.True => Truth.False,
            Truth.False => Truth.True,
            _ => Truth.Unknown,
        };
        return new ConditionResult(truth, result.Evidence, $"not ({result.Explanation})");
    }
}

/// <summary><c>ref: KET-08</c>: holds when that rule's condition holds (evaluated once per request).</summary>
internal sealed class RuleReferenceCondition(string ruleId) : ICondition
{
    public ConditionResult Evaluate(EvaluationContext context)
    {
        var result = context.RuleCondition(ruleId);
        return result with { Explanation = $"{ruleId}: {result.Explanation}" };
    }
}

/// <summary>A rule with no condition (a reminder that always applies on its hooks).</summary>
internal sealed class AlwaysCondition : ICondition
{
    public static AlwaysCondition Instance { get; } = new();

    public ConditionResult Evaluate(EvaluationContext context) => new(Truth.True, [], "always applies");
}
