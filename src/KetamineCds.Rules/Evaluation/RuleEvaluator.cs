using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Model;

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
        if (Hooks.IsOrderHook(hook.Hook) && context.KetamineOrders.Count == 0)
        {
            // Order hooks advise on ketamine orders only; anything else gets no cards (and no trace to explain).
            return new EvaluationResult([], []);
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
                trace.Add(new RuleTrace(rule.Id, rule.Version, Outcome(result.Truth), result));
                if (result.Truth == Truth.True)
                {
                    var checklist = new (string Label, ConditionResult Result)[rule.Checklist.Count];
                    for (var item = 0; item < checklist.Length; item++)
                    {
                        checklist[item] = (rule.Checklist[item].Label, rule.Checklist[item].Condition.Evaluate(context));
                    }

                    var finding = FindingBuilder.Build(rule, result, context, checklist);
                    if (finding.Indicator > pack.TentativeIndicator && result.Evidence.Count > 0 && result.Evidence.All(e => e.Tentative))
                    {
                        // Only provisional diagnoses or intolerances fired it: shown, marked, at the pack's chosen urgency.
                        finding = finding with
                        {
                            Indicator = pack.TentativeIndicator,
                            Detail = "**Not confirmed:** the record holds this only as provisional, differential or an intolerance. "
                                + "Confirm or rule it out before ordering.\n\n" + finding.Detail,
                        };
                    }

                    fired.Add((rule, finding));
                }
                else if (result.Truth == Truth.Unknown && IsSafetyRule(rule))
                {
                    // A safety check we cannot decide must be visible (fail visible: README "Clinical safety").
                    fired.Add((rule, FindingBuilder.Incomplete(rule, result.Explanation, context)));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                trace.Add(new RuleTrace(rule.Id, rule.Version, RuleOutcome.Error, $"{ex.GetType().Name}: {ex.Message}", []));
                fired.Add((rule, FindingBuilder.Incomplete(rule, "the rule failed while reading the patient's record", context)));
            }
        }

        // Most urgent first; equally urgent ones keep pack order (OrderBy is stable).
        var ordered = ApplyGroups(fired, trace).OrderByDescending(f => f.Indicator).ToList();
        return new EvaluationResult(ordered, trace)
        {
            UnidentifiedMedications = [.. MedicationTypes.SelectMany(type => record.Medications.UnidentifiedOfType(type, record))],
            SeriesInProgress = SeriesInProgress(pack, context),
        };
    }

    // Whether a ketamine series is running, for the card policy's first-of-series cards; a condition that fails or cannot
    // be decided counts as running, so the first-order reminders are not shown on a guess.
    private static bool SeriesInProgress(CompiledPack pack, EvaluationContext context)
    {
        if (pack.CardPolicy.SeriesInProgress is not { } condition)
        {
            return false;
        }

        try
        {
            return condition.Evaluate(context).Truth != Truth.False;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return true;
        }
    }

    /// <summary>
    /// Within a group only the most urgent finding is shown (the first of equals), in the place of the group's first
    /// finding; the others are marked superseded in the trace.
    /// </summary>
    private static List<Finding> ApplyGroups(List<(CompiledRule Rule, Finding Finding)> fired, List<RuleTrace> trace)
    {
        var shown = new List<(CompiledRule Rule, Finding Finding)>(fired.Count);
        Dictionary<string, int>? groupAt = null;
        foreach (var candidate in fired)
        {
            if (candidate.Rule.Spec.Group is not { } group)
            {
                shown.Add(candidate);
            }
            else if (!(groupAt ??= new(StringComparer.Ordinal)).TryGetValue(group, out var at))
            {
                groupAt[group] = shown.Count;
                shown.Add(candidate);
            }
            else if (candidate.Finding.Indicator > shown[at].Finding.Indicator)
            {
                shown[at] = candidate;
            }
        }

        if (groupAt is not null)
        {
            foreach (var (rule, _) in fired)
            {
                if (rule.Spec.Group is { } group && shown[groupAt[group]].Rule is var winner && winner != rule)
                {
                    var index = trace.FindIndex(t => t.RuleId == rule.Id);
                    var superseded = trace[index];
                    trace[index] = new RuleTrace(superseded.RuleId, superseded.RuleVersion, RuleOutcome.Superseded,
                        () => $"{superseded.Explanation} (shown as {winner.Id} instead)", superseded.Evidence);
                }
            }
        }

        return shown.ConvertAll(f => f.Finding);
    }

    private static readonly string[] MedicationTypes = ["MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"];

    /// <summary>A contraindication, or any rule that can raise a critical card: undecidable means "check incomplete", never silence.</summary>
    private static bool IsSafetyRule(CompiledRule rule) =>
        rule.Spec.Category == RuleCategories.Contraindication || rule.Indicator == Indicator.Critical;

    private static RuleOutcome Outcome(Truth truth) => truth switch
    {
        Truth.True => RuleOutcome.Fired,
        Truth.False => RuleOutcome.Silent,
        _ => RuleOutcome.Unknown,
    };
}
