using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Facts;

internal sealed class AllCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var results = new ConditionResult[parts.Count];
        var truth = Truth.True;
        var evidence = new List<EvidenceItem>();
        for (var i = 0; i < parts.Count; i++)
        {
            var result = results[i] = parts[i].Evaluate(context);
            if (result.Truth == Truth.False)
            {
                truth = Truth.False;
            }
            else if (result.Truth == Truth.Unknown && truth == Truth.True)
            {
                truth = Truth.Unknown;
            }
            else if (result.Truth == Truth.True)
            {
                // Evidence of an all() is the evidence of the parts that held: they are what fired it. Two parts
                // reading the same data (two questions about one treatment course) list it once.
                EvidenceLists.AddDistinct(evidence, result.Evidence);
            }
        }

        return new ConditionResult(truth, evidence, () => string.Join("; and ", results.Select(r => r.Explanation)));
    }
}

internal sealed class AnyCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var results = new ConditionResult[parts.Count];
        var evidence = new List<EvidenceItem>();
        var held = 0;
        var unknown = false;
        for (var i = 0; i < parts.Count; i++)
        {
            var result = results[i] = parts[i].Evaluate(context);
            if (result.Truth == Truth.True)
            {
                held++;
                EvidenceLists.AddDistinct(evidence, result.Evidence);
            }

            unknown |= result.Truth == Truth.Unknown;
        }

        var truth = held > 0 ? Truth.True : unknown ? Truth.Unknown : Truth.False;
        // Why it held (the parts that held), or why not (all of them).
        return new ConditionResult(truth, evidence, () => string.Join("; or ",
            results.Where(r => held == 0 || r.Truth == Truth.True).Select(r => r.Explanation)));
    }
}

internal sealed class NotCondition(ICondition inner) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var result = inner.Evaluate(context);
        var truth = result.Truth switch
        {
            Truth.True => Truth.False,
            Truth.False => Truth.True,
            _ => Truth.Unknown,
        };
        return new ConditionResult(truth, result.Evidence, () => $"not ({result.Explanation})");
    }
}

/// <summary><c>ref: KET-08</c>: holds when that rule's condition holds (evaluated once per request).</summary>
internal sealed class RuleReferenceCondition(string ruleId) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var result = context.RuleCondition(ruleId);
        return new ConditionResult(result.Truth, result.Evidence, () => $"{ruleId}: {result.Explanation}");
    }
}

/// <summary>A rule with no condition (a reminder that always applies on its hooks).</summary>
internal sealed class AlwaysCondition : ICondition
{
    public static AlwaysCondition Instance { get; } = new();

    public ConditionResult Evaluate(IFactContext context) => new(Truth.True, [], "always applies");
}

internal static class EvidenceLists
{
    public static void AddDistinct(List<EvidenceItem> into, IReadOnlyList<EvidenceItem> items)
    {
        foreach (var item in items)
        {
            if (!into.Contains(item))
            {
                into.Add(item);
            }
        }
    }
}
