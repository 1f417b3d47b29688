using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>The fact nodes a rule's condition and checklist hold, following <c>ref</c>s to the rules they name (once each).</summary>
internal static class ConditionWalk
{
    public static IEnumerable<ConditionSpec> Facts(RuleSpec rule, IReadOnlyDictionary<string, CompiledRule> rules)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { rule.Id };
        var pending = new Stack<ConditionSpec>();
        foreach (var root in (rule.Checklist ?? []).Select(c => c.When).Prepend(rule.When).OfType<ConditionSpec>())
        {
            pending.Push(root);
        }

        while (pending.TryPop(out var node))
        {
            if (node.Fact is not null)
            {
                yield return node;
            }

            foreach (var child in (node.All ?? []).Concat(node.Any ?? []).Append(node.Not).OfType<ConditionSpec>())
            {
                pending.Push(child);
            }

            if (node.Ref is { } name && seen.Add(name) && rules.TryGetValue(name, out var referenced) && referenced.Spec.When is { } when)
            {
                pending.Push(when);
            }
        }
    }
}
