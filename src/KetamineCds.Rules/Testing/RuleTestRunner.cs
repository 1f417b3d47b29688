using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Record;
using YamlDotNet.Core;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Testing;

/// <summary>
/// Runs the rule test cases in <c>rules/tests/*.yaml</c>: each is a pinned date, a hook, a patient record
/// (inline FHIR resources, or a bundle file relative to the case), draft orders, and the cards that must and must
/// not appear, by rule id and indicator.
/// </summary>
public static class RuleTestRunner
{

    public static IReadOnlyList<RuleTestResult> Run(CompiledPack pack, string testsFolder)
    {
        var results = new List<RuleTestResult>();
        foreach (var path in Directory.EnumerateFiles(testsFolder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(testsFolder, path);
            try
            {
                results.AddRange(RunFile(pack, path, relative));
            }
            catch (Exception ex) when (ex is YamlException or InvalidDataException or FormatException or IOException)
            {
                results.Add(new RuleTestResult(relative, "(file)", [ex.Message]));
            }
        }

        return results;
    }

    private static IEnumerable<RuleTestResult> RunFile(CompiledPack pack, string path, string relative)
    {
        var root = YamlJsonConverter.Convert(File.ReadAllText(path)).Root as JsonObject
            ?? throw new InvalidDataException("a test file is a mapping with 'cases'");
        var cases = root["cases"] as JsonArray ?? throw new InvalidDataException("a test file needs a 'cases' list");
        foreach (var node in cases.OfType<JsonObject>())
        {
            var name = (string?)node["name"] ?? "(unnamed)";
            var failures = new List<string>();
            var result = Evaluate(pack, node, Path.GetDirectoryName(path)!);
            foreach (var expected in (node["expect"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var rule = (string?)expected["rule"] ?? "";
                var indicator = (string?)expected["indicator"];
                var finding = result.Findings.FirstOrDefault(f => f.RuleId == rule);
                if (finding is null)
                {
                    var trace = result.Trace.FirstOrDefault(t => t.RuleId == rule);
                    failures.Add($"expected a card from {rule}, got none ({trace?.Outcome.ToString() ?? "rule not evaluated"}: {trace?.Explanation})");
                }
                else if (indicator is not null && !finding.Indicator.ToString().Equals(indicator, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"expected {rule} as {indicator}, got {finding.Indicator.ToString().ToLowerInvariant()}");
                }
                else if ((bool?)expected["incomplete"] is { } incomplete && incomplete != finding.IsIncompleteCheck)
                {
                    failures.Add(incomplete
                        ? $"expected {rule}'s \"check incomplete\" card, got \"{finding.Summary}\""
                        : $"expected {rule} to decide, got \"{finding.Summary}\"");
                }
            }

            foreach (var forbidden in (node["expectNone"] as JsonArray ?? []).Select(n => (string?)n))
            {
                if (result.Findings.FirstOrDefault(f => f.RuleId == forbidden) is { } finding)
                {
                    failures.Add($"expected no card from {forbidden}, got \"{finding.Summary}\"");
                }
            }

            yield return new RuleTestResult(relative, name, failures,
                [.. result.Findings.Select(f => $"{f.RuleId} {f.Indicator.ToString().ToLowerInvariant()}{(f.IsIncompleteCheck ? " (check incomplete)" : "")}")],
                [.. (node["expect"] as JsonArray ?? []).OfType<JsonObject>().Select(e => (string?)e["rule"]).OfType<string>()],
                [.. (node["expectNone"] as JsonArray ?? []).Select(n => (string?)n).OfType<string>()]);
        }
    }

    /// <summary>
    /// One case through the live input path: its resources read entry by entry as a prefetch is (with the pack's record
    /// filter, so the gate exercises it), its drafts as <c>context.draftOrders</c> are. A case may hold a bent resource
    /// on purpose: it is set aside and named, as in a live call.
    /// </summary>
    /// <param name="atHook">Evaluate at this hook instead of the case's (a case replayed as order-select, then order-sign).</param>
    internal static EvaluationResult Evaluate(CompiledPack pack, JsonObject testCase, string folder, bool filtered = true, string? atHook = null)
    {
        var now = DateTimeOffset.Parse((string?)testCase["now"] ?? throw new InvalidDataException("case needs 'now'"), CultureInfo.InvariantCulture);
        var hook = atHook ?? (string?)testCase["hook"] ?? throw new InvalidDataException("case needs 'hook'");
        var reader = new RecordReader(pack.RecordFilter(now), parseEverything: !filtered);
        if ((string?)testCase["bundle"] is { } bundleFile)
        {
            using var bundle = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, bundleFile)));
            reader.Read($"bundle {bundleFile}", bundle.RootElement);
        }

        foreach (var resource in testCase["resources"] as JsonArray ?? [])
        {
            reader.Read("case resources", JsonSerializer.SerializeToElement(resource));
        }

        var drafts = new RecordReader();
        drafts.ReadDrafts(JsonSerializer.SerializeToElement(new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["entry"] = new JsonArray([.. (testCase["draftOrders"] as JsonArray ?? []).Select(d => (JsonNode)new JsonObject { ["resource"] = d?.DeepClone() })]),
        }));
        return HookEvaluation.Evaluate(pack, new HookInput(hook, reader.Resources, drafts.Resources)
        {
            SetAside = reader.SetAside,
            DraftDefects = drafts.DraftDefects,
            ByFullUrl = reader.ByFullUrl.Concat(drafts.ByFullUrl).DistinctBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value),
        }, now);
    }
}
