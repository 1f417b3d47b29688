using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// The semantic checks the schema cannot make: unique ids, facts and their parameters, value sets that resolve,
/// FHIRPath that compiles, ref cycles, summaries that can never exceed 140 characters, and known placeholders.
/// </summary>
internal static class RulePackCompiler
{
    public static List<CompiledRule> Compile(
        IReadOnlyList<LoadedRuleFile> files,
        IReadOnlyDictionary<string, ValueSetIndex> valueSets,
        AnswerScores answers,
        PackTables tables,
        List<RuleFileError> errors,
        RecordReads reads,
        string packLabel,
        MedicationActivity? activity = null)
    {
        var ruleIds = new HashSet<string>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        var topics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, rules, lines, _) in files)
        {
            foreach (var (i, rule) in rules)
            {
                if (!ruleIds.Add(rule.Id))
                {
                    errors.Add(new RuleFileError(file, YamlJsonConverter.LineOf(lines, $"/rules/{i}/id"), rule.Id,
                        $"duplicate rule id; first defined in {firstSeen[rule.Id]}"));
                }
                else
                {
                    firstSeen[rule.Id] = $"{file}:{YamlJsonConverter.LineOf(lines, $"/rules/{i}/id")}";
                }

                // An EHR remembers a clinician's acknowledgement by the topic code (Epic): two rules sharing one would
                // silence each other's cards.
                if (rule.Card.Source.Topic is { } topic && !topics.TryAdd(topic.Code, rule.Id))
                {
                    errors.Add(new RuleFileError(file, YamlJsonConverter.LineOf(lines, $"/rules/{i}/card/source/topic/code"), rule.Id,
                        $"topic code '{topic.Code}' is already the topic of {topics[topic.Code]}; each rule needs its own"));
                }
            }
        }

        // A ref to a rule the schema already rejected is not reported again as unknown.
        var referable = new HashSet<string>(ruleIds.Concat(files.SelectMany(f => f.SchemaInvalidRuleIds)), StringComparer.Ordinal);
        var compiled = new List<CompiledRule>();
        var references = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var loaded in files)
        {
            var (file, rules, lines, _) = loaded;
            foreach (var (i, rule) in rules)
            {
                var pointer = $"/rules/{i}";
                void Report(string at, string message) =>
                    errors.Add(new RuleFileError(file, YamlJsonConverter.LineOf(lines, at), rule.Id, message) { Column = YamlJsonConverter.ColumnOf(loaded.Columns, at) });

                // Only an active rule's reads shape what the service fetches and parses; a draft rule's compile is checked alone.
                var compiler = new ConditionCompiler(valueSets, answers, tables, referable, Report, rule.Status == RuleStatuses.Active ? reads : null, activity);
                var condition = compiler.Compile(rule.When, $"{pointer}/when");
                var checklist = (rule.Checklist ?? [])
                    .Select((item, j) => (item.Label, compiler.Compile(item.When, $"{pointer}/checklist/{j}/when")))
                    .ToList();
                references[rule.Id] = compiler.References;
                CheckCard(rule, pointer, Report);
                compiled.Add(new CompiledRule(rule, condition, checklist, file, YamlJsonConverter.LineOf(lines, pointer), packLabel));
            }
        }

        foreach (var rule in compiled)
        {
            if (FindCycle(rule.Id, references, []) is { } cycle)
            {
                errors.Add(new RuleFileError(rule.File, rule.Line, rule.Id, $"rules refer to each other in a cycle: {string.Join(" → ", cycle)}"));
            }
        }

        return compiled;
    }

    private static void CheckCard(RuleSpec rule, string pointer, Action<string, string> report)
    {
        var card = rule.Card;
        foreach (var name in CardTemplate.PlaceholdersIn(card.Summary))
        {
            if (!CardTemplate.SummaryPlaceholders.ContainsKey(name))
            {
                report($"{pointer}/card/summary", $"unknown summary placeholder {{{{{name}}}}}; allowed: {string.Join(", ", CardTemplate.SummaryPlaceholders.Keys)}");
            }
        }

        var longest = CardTemplate.LongestRendering(card.Summary);
        if (longest >= CardTemplate.MaxSummaryLength)
        {
            report($"{pointer}/card/summary", $"summary can reach {longest} characters once placeholders are filled; CDS Hooks requires under {CardTemplate.MaxSummaryLength}");
        }

        foreach (var name in CardTemplate.PlaceholdersIn(card.Detail ?? ""))
        {
            if (!CardTemplate.SummaryPlaceholders.ContainsKey(name) && !CardTemplate.DetailOnlyPlaceholders.Contains(name))
            {
                report($"{pointer}/card/detail", $"unknown detail placeholder {{{{{name}}}}}");
            }
        }

        if ((card.Detail ?? "").Contains("{{checklist}}", StringComparison.Ordinal) && rule.Checklist is not { Count: > 0 })
        {
            report($"{pointer}/card/detail", "{{checklist}} is used but the rule has no checklist");
        }

        for (var i = 0; i < (card.Suggestions?.Count ?? 0); i++)
        {
            var suggestion = card.Suggestions![i];
            if (suggestion.Action == "create-service-request" && suggestion.Code is null)
            {
                report($"{pointer}/card/suggestions/{i}", "create-service-request needs the 'code' of the service to order");
            }

            if (suggestion.Action == "delete-draft-order" && rule.Hooks.All(h => h == Hooks.PatientView))
            {
                report($"{pointer}/card/suggestions/{i}", "delete-draft-order needs an order hook; patient-view has no draft orders");
            }
        }

        if (!DateOnly.TryParse(rule.LastReviewed, out _))
        {
            report($"{pointer}/lastReviewed", $"'{rule.LastReviewed}' is not a date");
        }
    }

    private static List<string>? FindCycle(string id, Dictionary<string, List<string>> references, List<string> path)
    {
        if (path.Contains(id))
        {
            return [.. path[path.IndexOf(id)..], id];
        }

        if (!references.TryGetValue(id, out var next))
        {
            return null;
        }

        path.Add(id);
        foreach (var target in next)
        {
            if (FindCycle(target, references, path) is { } cycle)
            {
                path.RemoveAt(path.Count - 1);
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        return null;
    }
}
