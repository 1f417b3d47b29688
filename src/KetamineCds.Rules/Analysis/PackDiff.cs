using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Testing;

namespace KetamineCds.Rules.Analysis;

/// <summary>One record under one hook, evaluated the same way for any pack.</summary>
public sealed record DiffCase(string Name, string Hook, Func<CompiledPack, EvaluationResult> Evaluate)
{
    /// <summary>
    /// A patient record under each hook: the chart view, and its draft orders (draft MedicationRequests in it), or the
    /// standard first infusion, selected and signed.
    /// </summary>
    public static IEnumerable<DiffCase> ForRecord(string name, IReadOnlyList<Resource> resources, DateTimeOffset at)
    {
        var patient = resources.OfType<Patient>().FirstOrDefault()?.Id;
        var ordered = resources.OfType<MedicationRequest>().Where(m => m.Status == MedicationRequest.MedicationrequestStatus.Draft).ToList();
        IReadOnlyList<Resource> record = [.. resources.Where(r => !ordered.Contains(r))];
        IReadOnlyList<Resource> drafts = ordered.Count > 0 ? ordered : [StandardOrder.For(patient)];
        return Hooks.All.Select(hook => new DiffCase(name, hook,
            pack => HookEvaluation.Evaluate(pack, new HookInput(hook, record, Hooks.IsOrderHook(hook) ? drafts : []), at)));
    }

    /// <summary>A pack's test cases (its <c>tests/</c> folder), each under its own hook, evaluated with whichever pack is given.</summary>
    public static IEnumerable<DiffCase> FromTests(string testsFolder)
    {
        if (!Directory.Exists(testsFolder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(testsFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            if (YamlJsonConverter.Convert(File.ReadAllText(file)).Root?["cases"] is not JsonArray cases)
            {
                continue;
            }

            foreach (var testCase in cases.OfType<JsonObject>())
            {
                yield return new DiffCase($"{Path.GetFileName(file)} '{testCase["name"]}'", (string?)testCase["hook"] ?? "",
                    pack => RuleTestRunner.Evaluate(pack, testCase, testsFolder));
            }
        }
    }
}

/// <summary>How one case's cards differ between two packs: a card gained, lost, or at another indicator, by rule.</summary>
public sealed record CardChange(string Case, string Hook, string RuleId, string Change, string? Before, string? After);

/// <summary>A rule whose content changed while its version stayed: <c>rule@version</c> would name two different rules.</summary>
public sealed record UnversionedChange(string RuleId, string Version, string File, int Line)
{
    public string Message => $"{RuleId} changed since it went live at {Version}; give it a new version and lastReviewed";
}

/// <summary>Per rule: the cases where its card was gained, lost, or changed indicator.</summary>
public sealed record RuleImpact(string RuleId, int Gained, int Lost, int Changed);

public sealed record PackDiffResult(int Cases, IReadOnlyList<CardChange> Changes, IReadOnlyList<RuleImpact> PerRule, IReadOnlyList<UnversionedChange> Unversioned)
{
    /// <summary>One line for a log or a history entry: "KET-13-CRIT +3 −0 ~0; …", or "no card changes".</summary>
    public string Summary => PerRule.Count == 0 ? $"no card changes over {Cases} cases"
        : $"over {Cases} cases: " + string.Join("; ", PerRule.Select(r => $"{r.RuleId} +{r.Gained} −{r.Lost} ~{r.Changed}"));
}

/// <summary>
/// What a pack change does before it is live: both packs over the same cases (their test cases, example requests,
/// patient records under each hook), every card gained, lost or changed indicator by rule, and every rule whose content
/// changed without a new version. Cards are compared as the rules give them, before the card policy.
/// </summary>
public static class PackDiff
{
    public static PackDiffResult Run(CompiledPack before, CompiledPack after, IEnumerable<DiffCase> cases)
    {
        var changes = new List<CardChange>();
        var count = 0;
        foreach (var @case in cases)
        {
            count++;
            var old = Cards(@case, before);
            var now = Cards(@case, after);
            foreach (var (rule, indicator) in now.Where(n => !old.ContainsKey(n.Key)))
            {
                changes.Add(new CardChange(@case.Name, @case.Hook, rule, "gained", null, indicator));
            }

            foreach (var (rule, indicator) in old)
            {
                if (!now.TryGetValue(rule, out var current))
                {
                    changes.Add(new CardChange(@case.Name, @case.Hook, rule, "lost", indicator, null));
                }
                else if (current != indicator)
                {
                    changes.Add(new CardChange(@case.Name, @case.Hook, rule, "indicator", indicator, current));
                }
            }
        }

        var perRule = changes.GroupBy(c => c.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RuleImpact(g.Key, g.Count(c => c.Change == "gained"), g.Count(c => c.Change == "lost"), g.Count(c => c.Change == "indicator"))).ToList();
        return new PackDiffResult(count, changes, perRule, Unversioned(before, after));
    }

    /// <summary>Rules of <paramref name="after"/> whose content differs from the same id and version in <paramref name="before"/>.</summary>
    public static IReadOnlyList<UnversionedChange> Unversioned(CompiledPack before, CompiledPack after) =>
        Unversioned(before.Rules.ToDictionary(r => r.Id, r => (r.Version, before.RuleContentHashes[r.Id]), StringComparer.Ordinal), after);

    /// <summary>The same, against rules known only by id, version and content hash (a pack recorded in the history).</summary>
    public static IReadOnlyList<UnversionedChange> Unversioned(IReadOnlyDictionary<string, (string Version, string ContentHash)> before, CompiledPack after) =>
        [.. after.Rules.Where(rule => before.TryGetValue(rule.Id, out var old) && old.Version == rule.Version && old.ContentHash != after.RuleContentHashes[rule.Id])
            .Select(rule => new UnversionedChange(rule.Id, rule.Version, rule.File, rule.Line))];

    // The card each rule gives (the incomplete-check card of a rule counts as its card), by rule id.
    private static Dictionary<string, string> Cards(DiffCase @case, CompiledPack pack)
    {
        var cards = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var finding in @case.Evaluate(pack).Findings)
        {
            cards.TryAdd(finding.RuleId, finding.IsIncompleteCheck ? $"{finding.Indicator.ToString().ToLowerInvariant()} (check incomplete)"
                : finding.Indicator.ToString().ToLowerInvariant());
        }

        return cards;
    }
}
