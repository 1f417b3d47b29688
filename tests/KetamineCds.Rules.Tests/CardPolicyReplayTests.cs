using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Testing;
using Xunit.Abstractions;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The card policy over the pack's own test cases and the bundled example requests, each replayed as one order cycle
/// (order-select, then order-sign of the same draft by the same clinician): fewer cards, and no warning or critical
/// finding lost. Compared rule by rule against the same cycle with every finding shown.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CardPolicyReplayTests(ITestOutputHelper output)
{
    /// <summary>A memory kept in the test: what each call showed, by the finding and its scope.</summary>
    private sealed class CycleMemory : ICardMemory
    {
        private readonly List<(string Finding, DateTimeOffset At)> _shown = [];
        private readonly HashSet<string> _overridden = new(StringComparer.Ordinal);

        public bool ShownSince(CardScope scope, string finding, DateTimeOffset since) => _shown.Any(s => s.Finding == finding && s.At >= since);

        public bool OverriddenForDraft(string finding) => _overridden.Contains(finding);

        public void Remember(IEnumerable<Finding> shown, DateTimeOffset at) => _shown.AddRange(shown.Select(f => (CardPolicy.MemoryKey(f, Repository.Pack), at)));

        public void Override(Finding finding) => _overridden.Add(CardPolicy.MemoryKey(finding, Repository.Pack));
    }

    private sealed record Cycle(string Name, EvaluationResult Select, EvaluationResult Sign, DateTimeOffset Now);

    private static readonly string[] ShownAtLeastOnce = ["warning", "critical"];

    [Fact]
    public void GivenEveryCaseAndExampleAsAnOrderCycle_WhenThePolicyApplies_ThenFewerCardsAndEveryWarningAndCriticalStillReachesTheClinician()
    {
        var cycles = Cycles().ToList();
        int before = 0, after = 0, eligibleCycles = 0, infoAtSign = 0;
        foreach (var cycle in cycles)
        {
            var memory = new CycleMemory();
            var selected = Apply(cycle.Select, "order-select", cycle.Now, memory);
            memory.Remember(selected, cycle.Now);
            var signed = Apply(cycle.Sign, "order-sign", cycle.Now.AddMinutes(2), memory);

            var everything = cycle.Select.Findings.Concat(cycle.Sign.Findings).ToList();
            var reached = selected.Concat(signed).Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);
            foreach (var finding in everything.Where(f => ShownAtLeastOnce.Contains(f.Indicator.ToString().ToLowerInvariant())))
            {
                Assert.True(reached.Contains(finding.RuleId), $"{cycle.Name}: {finding.RuleId} ({finding.Indicator}) fired and never reached the clinician");
            }

            // Critical at order-sign is never hidden without an override: the final check still shows it.
            Assert.All(cycle.Sign.Findings.Where(f => f.Indicator == Indicator.Critical), f => Assert.Contains(f, signed));
            // An eligible patient with nothing wrong: only the all-met summary and the monitoring reminder fire.
            if (everything.All(f => f.RuleId is "KET-00-SUMMARY" or "KET-38"))
            {
                eligibleCycles++;
                Assert.True(selected.Count + signed.Count <= 1, $"{cycle.Name}: {selected.Count + signed.Count} cards in one order cycle of an eligible patient");
            }

            before += everything.Count;
            after += selected.Count + signed.Count;
            infoAtSign += signed.Count(f => f.Indicator == Indicator.Info);
        }

        Assert.True(eligibleCycles > 0, "no eligible patient's cycle was replayed");
        output.WriteLine($"{cycles.Count} order cycles ({eligibleCycles} of an eligible patient): {before} cards before the policy "
            + $"({(double)before / cycles.Count:F2} per cycle), {after} after ({(double)after / cycles.Count:F2} per cycle)");
        Assert.True(cycles.Count > 100, $"only {cycles.Count} cycles replayed");
        Assert.True(after < before, "the policy showed no fewer cards");
        // What order-select showed is not repeated at order-sign as an info card (the first-of-series reminder included).
        output.WriteLine($"order-sign: {(double)infoAtSign / cycles.Count:F2} info cards per cycle");
        Assert.True(infoAtSign <= cycles.Count / 2, $"order-sign averages {(double)infoAtSign / cycles.Count:F2} info cards per cycle");
    }

    [Fact]
    public void GivenASiteThatCallsOnlyOrderSign_WhenThePolicyApplies_ThenItShowsWhatOrderSelectWouldHaveAndLosesNoWarning()
    {
        var cycles = Cycles().ToList();
        var eligibilityShown = 0;
        foreach (var cycle in cycles)
        {
            var signed = Repository.Pack.CardPolicy.Apply(cycle.Sign.Findings, Repository.Pack,
                new PolicyContext("order-sign", cycle.Now, !cycle.Sign.SeriesInProgress, true, new CycleMemory(), OrderSelectRan: false)).Shown;
            foreach (var finding in cycle.Sign.Findings.Where(f => ShownAtLeastOnce.Contains(f.Indicator.ToString().ToLowerInvariant())))
            {
                Assert.True(signed.Any(f => f.RuleId == finding.RuleId), $"{cycle.Name}: {finding.RuleId} ({finding.Indicator}) fired at order-sign and was not shown");
            }

            eligibilityShown += signed.Count(f => Repository.Pack.CardClassOf(f.RuleId) == "eligibility");
            if (cycle.Sign.Findings.All(f => f.RuleId is "KET-00-SUMMARY" or "KET-38"))
            {
                Assert.DoesNotContain(signed, f => f.RuleId == "KET-00-SUMMARY"); // every criterion met: nothing to decide
            }
        }

        Assert.True(eligibilityShown > 0, "no unmet eligibility criterion reached an order-sign-only site");
    }

    [Fact]
    public void GivenAContraindicationOverriddenWithAReasonAtOrderSelect_WhenTheSameDraftIsSigned_ThenItIsNotRepeatedUnlessTheEvidenceChanges()
    {
        var cycle = Cycles().First(c => c.Name.Contains("order-sign-bp-crisis", StringComparison.Ordinal));
        var memory = new CycleMemory();
        var crisis = Apply(cycle.Select, "order-select", cycle.Now, memory).Single(f => f.RuleId == "KET-13-CRIT");
        memory.Remember([crisis], cycle.Now);

        Assert.Contains(Apply(cycle.Sign, "order-sign", cycle.Now, memory), f => f.RuleId == "KET-13-CRIT"); // not overridden: the final check shows it
        memory.Override(crisis);
        Assert.DoesNotContain(Apply(cycle.Sign, "order-sign", cycle.Now, memory), f => f.RuleId == "KET-13-CRIT");
        // A new reading is a new finding: shown again.
        var newReading = cycle.Sign.Findings.Select(f => f.RuleId == "KET-13-CRIT"
            ? f with { Evidence = [.. f.Evidence.Select(e => e with { Value = "192/118 mm[Hg]" })] } : f).ToList();
        Assert.Contains(Apply(cycle.Sign with { Findings = newReading }, "order-sign", cycle.Now, memory), f => f.RuleId == "KET-13-CRIT");
    }

    private static List<Finding> Apply(EvaluationResult result, string hook, DateTimeOffset now, ICardMemory memory) =>
        [.. Repository.Pack.CardPolicy.Apply(result.Findings, Repository.Pack, new PolicyContext(hook, now, !result.SeriesInProgress, true, memory)).Shown];

    private static IEnumerable<Cycle> Cycles()
    {
        var folder = Path.Combine(Repository.RulesFolder, "tests");
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var root = (JsonObject)Loading.YamlJsonConverter.Convert(File.ReadAllText(file)).Root!;
            foreach (var testCase in root["cases"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["hook"] is "order-select" or "order-sign"))
            {
                var select = RuleTestRunner.Evaluate(Repository.Pack, testCase, folder, atHook: "order-select");
                var sign = RuleTestRunner.Evaluate(Repository.Pack, testCase, folder, atHook: "order-sign");
                if (select.Trace.Count > 0 || sign.Trace.Count > 0) // a ketamine order: a cycle the service advises on
                {
                    yield return new Cycle($"{Path.GetFileName(file)} '{testCase["name"]}'", select, sign,
                        DateTimeOffset.Parse((string)testCase["now"]!, CultureInfo.InvariantCulture));
                }
            }
        }

        var examples = Path.Combine(Repository.Root, "examples", "requests");
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // the date the examples are written for
        foreach (var file in Directory.EnumerateFiles(examples, "*.json").Order(StringComparer.Ordinal))
        {
            using var request = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = request.RootElement;
            if (root.GetProperty("hook").GetString() is not ("order-select" or "order-sign"))
            {
                continue;
            }

            var record = new RecordReader(Repository.Pack.RecordFilter(now));
            foreach (var value in root.GetProperty("prefetch").EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                record.Read($"prefetch {value.Name}", value.Value);
            }

            var drafts = new RecordReader();
            drafts.ReadDrafts(root.GetProperty("context").GetProperty("draftOrders"));
            EvaluationResult At(string hook) => HookEvaluation.Evaluate(Repository.Pack, new HookInput(hook, record.Resources, drafts.Resources), now);
            var (select, sign) = (At("order-select"), At("order-sign"));
            if (select.Trace.Count > 0)
            {
                yield return new Cycle($"example {Path.GetFileName(file)}", select, sign, now);
            }
        }
    }
}
