using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// Evaluates a compiled pack against one patient record, hook context and instant. Pure: no I/O, no clock of its
/// own, no shared mutable state; safe to call from any number of requests at once.
/// </summary>
public static class RuleEvaluator
{
    public static EvaluationResult Evaluate(CompiledPack pack, PatientRecord record, HookContext hook, DateTimeOffset now)
    {
        var context = new EvaluationContext(record, hook, now, pack);
        if (hook.Hook != "patient-view" && context.KetamineOrders.Count == 0)
        {
            // Order hooks advise on ketamine orders only; anything else gets no cards (and no trace to explain).
            return new EvaluationResult(pack.Name, pack.Version, [], []);
        }

        var fired = new List<(CompiledRule Rule, Finding Finding)>();
        var trace = new List<RuleTrace>(pack.Rules.Count);

        foreach (var rule in pack.Rules)
        {
            if (!rule.IsActive || !rule.AppliesTo(hook.Hook))
            {
                continue;
            }

            try
            {
                var result = rule.Condition.Evaluate(context);
                trace.Add(new RuleTrace(rule.Id, rule.Version, Outcome(result.Truth), () => result.Explanation, result.Evidence));
                if (result.Truth == Truth.True)
                {
                    var checklist = rule.Checklist.Select(item => (item.Label, item.Condition.Evaluate(context))).ToList();
                    fired.Add((rule, FindingBuilder.Build(rule, result, context, checklist)));
                }
                else if (result.Truth == Truth.Unknown && rule.Spec.Category == "contraindication")
                {
                    // A contraindication we cannot rule out must be visible (fail visible, design §Clinical safety).
                    fired.Add((rule, FindingBuilder.Incomplete(rule, result.Explanation, context)));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                trace.Add(new RuleTrace(rule.Id, rule.Version, RuleOutcome.Error, $"{ex.GetType().Name}: {ex.Message}", []));
                fired.Add((rule, FindingBuilder.Incomplete(rule, "the rule failed while reading the patient's record", context)));
            }
        }

        var shown = ApplyGroups(fired, trace);
        var ordered = shown
            .Select((f, index) => (f, index))
            .OrderByDescending(x => x.f.Finding.Indicator)
            .ThenBy(x => x.index)
            .Select(x => x.f.Finding)
            .ToList();
        return new EvaluationResult(pack.Name, pack.Version, ordered, trace);
    }

    /// <summary>Within a group only the most urgent finding is shown; the others are marked superseded in the trace.</summary>
    private static List<(CompiledRule Rule, Finding Finding)> ApplyGroups(List<(CompiledRule Rule, Finding Finding)> fired, List<RuleTrace> trace)
    {
        var shown = new List<(CompiledRule, Finding)>();
        foreach (var group in fired.GroupBy(f => f.Rule.Spec.Group ?? $"rule:{f.Rule.Id}"))
        {
            var winner = group.OrderByDescending(f => f.Finding.Indicator).First();
            shown.Add(winner);
            foreach (var loser in group.Where(f => f.Rule != winner.Rule))
            {
                var index = trace.FindIndex(t => t.RuleId == loser.Rule.Id);
                var superseded = trace[index];
                trace[index] = new RuleTrace(superseded.RuleId, superseded.RuleVersion, RuleOutcome.Superseded,
                    () => $"{superseded.Explanation} (shown as {winner.Rule.Id} instead)", superseded.Evidence);
            }
        }

        return shown;
    }

    private static RuleOutcome Outcome(Truth truth) => truth switch
    {
        Truth.True => RuleOutcome.Fired,
        Truth.False => RuleOutcome.Silent,
        _ => RuleOutcome.Unknown,
    };
}
