using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>The admin's terminal tools: <c>rules check</c> on a broken pack, <c>rules explain</c> on a patient bundle.</summary>
[Trait("Category", "Integration")]
public sealed class RuleCommandTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task GivenAskingForHelp_WhenRun_ThenTheVerbsArePrintedAndNoServiceStarts(string ask)
    {
        var (exit, output, error) = await ServiceProcess.RunVerbAsync(ask);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("rules", output, StringComparison.Ordinal);
        Assert.Contains("install-sheet", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAskingForTheVersion_WhenRun_ThenOneLineAndExitZero()
    {
        var (exit, output, _) = await ServiceProcess.RunVerbAsync("--version");

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+", output.Trim());
    }

    [Fact]
    public async Task GivenPatientBundle_WhenExplained_ThenCardsThenEveryRuleWithItsReasonAndData()
    {
        var bundlePath = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(bundlePath, BundleOf(HttpJson.Example("order-sign-bp-crisis.json")).ToJsonString());
        try
        {
            var (exit, output, error) = await ServiceProcess.RunVerbAsync(
                "rules", "explain", "--hook", "order-sign", "--patient", bundlePath, "--at", "2026-11-26", "--rules", Path.Combine(Repository.Root, "rules"));

            Assert.True(exit == 0, error);
            var lines = output.Split('\n');
            Assert.Contains(lines, l => l.Contains("[CRITICAL] BP 186", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.TrimStart().StartsWith("FIRED", StringComparison.Ordinal) && l.Contains("KET-13-CRIT@", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.TrimStart().StartsWith("silent", StringComparison.Ordinal) && l.Contains("KET-01@1.0.0: age 46 < 18", StringComparison.Ordinal));
            // The data a rule looked at is listed under it.
            Assert.Contains(lines, l => l.Contains("- Blood pressure panel", StringComparison.OrdinalIgnoreCase) && l.Contains("186/112", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(bundlePath);
        }
    }

    [Fact]
    public async Task GivenCrisisTierMovedTo170_WhenDiffed_ThenCasesGainingACriticalAreListed_AndWithoutANewVersionItExitsNamingTheRule()
    {
        using var rules = new RulePackCopy();
        rules.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 170");
        var shipped = Path.Combine(Repository.Root, "rules");

        var (exit, output, error) = await ServiceProcess.RunVerbAsync("rules", "diff", shipped, rules.Folder, "--patients", Path.Combine(Repository.ThirdParty, "fhir-patients"), "--at", "2026-12-06");

        Assert.Equal(1, exit);
        var lines = output.Split('\n');
        // The boundary case at 179/109 now gets a critical card; no case loses one.
        Assert.Contains(lines, l => l.Contains("'179/109: warning, not critical' [order-sign]: KET-13-CRIT gained (critical)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("KET-13-CRIT lost", StringComparison.Ordinal) || l.Contains("KET-13-CRIT critical ->", StringComparison.Ordinal));
        var perRule = Assert.Single(lines, l => l.TrimStart().StartsWith("KET-13-CRIT ", StringComparison.Ordinal));
        Assert.Matches(@"gained\s+[1-9]\d*\s+lost\s+0\s+changed indicator\s+0", perRule);
        Assert.Contains("[KET-13-CRIT]: KET-13-CRIT changed since it went live at", error, StringComparison.Ordinal);

        // The same change with a new version: listed the same way, and nothing refused.
        rules.BumpRuleVersion("rulesets/contraindications.yaml", "KET-13-CRIT");
        var (bumped, bumpedOutput, bumpedError) = await ServiceProcess.RunVerbAsync("rules", "diff", shipped, rules.Folder);
        Assert.True(bumped == 0, bumpedError);
        Assert.Contains("KET-13-CRIT gained (critical)", bumpedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenThreeMistakesInTwoFiles_WhenChecked_ThenOneRunNamesEachInPlainWordsWithFileLineColumnAndRule()
    {
        using var rules = new RulePackCopy();
        rules.Edit("rulesets/contraindications.yaml", text => text
            .Replace("indicator: critical\n      summary: \"History of a primary", "indicator: severe\n      summary: \"History of a primary", StringComparison.Ordinal)
            .Replace("valueSet: aneurysm-or-avm,", "valueSet: aneurysm-or-avn,", StringComparison.Ordinal));
        rules.Edit("pack.yaml", text => text.Replace("  - rulesets/cautions.yaml\n", "  - rulesets/cautions.yaml\n  - rulesets/cautions.yaml\n", StringComparison.Ordinal));

        var (exit, _, error) = await ServiceProcess.RunVerbAsync("rules", "check", rules.Folder);

        Assert.Equal(1, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(".yaml:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count); // each mistake once: the duplicated file does not repeat every rule in it
        Assert.Contains("3 error(s)", error, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("rulesets/contraindications.yaml:13:7 [KET-08]: indicator 'severe' is not one of info, warning, critical", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("rulesets/contraindications.yaml:40:", StringComparison.Ordinal)
            && l.Contains("[KET-10]: value set 'aneurysm-or-avn' is not in the pack; did you mean 'aneurysm-or-avm'?", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("pack.yaml:", StringComparison.Ordinal) && l.Contains("'rulesets/cautions.yaml' is listed twice", StringComparison.Ordinal));
    }

    /// <summary>An example request's prefetch and draft orders as one collection Bundle, as an admin would export a chart.</summary>
    private static JsonObject BundleOf(JsonNode request)
    {
        var entries = new JsonArray();
        foreach (var (_, value) in request["prefetch"]!.AsObject())
        {
            if (value?["resourceType"]?.GetValue<string>() == "Bundle")
            {
                foreach (var entry in value["entry"]?.AsArray() ?? [])
                {
                    entries.Add(entry!.DeepClone());
                }
            }
            else if (value is not null)
            {
                entries.Add(new JsonObject { ["resource"] = value.DeepClone() });
            }
        }

        foreach (var entry in request["context"]!["draftOrders"]!["entry"]!.AsArray())
        {
            entries.Add(entry!.DeepClone());
        }

        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = entries };
    }
}
