using KetamineCds.Rules.Loading;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public sealed class RulePackLoaderTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), $"ketamine-pack-{Guid.NewGuid():N}");

    public RulePackLoaderTests() => CopyDirectory(Repository.RulesFolder, _copy);

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Fact]
    public void GivenShippedPack_WhenLoaded_ThenValidWithEveryRuleAndAHashOfItsContentAlone()
    {
        var result = RulePackLoader.Load(Repository.RulesFolder);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        // Every rule written in the pack's rule files is loaded.
        var written = Directory.EnumerateFiles(Path.Combine(Repository.RulesFolder, "rulesets"), "*.yaml")
            .Sum(f => File.ReadLines(f).Count(l => l.TrimStart().StartsWith("- id: ", StringComparison.Ordinal)));
        Assert.Equal(written, result.Pack!.Rules.Count);
        // The same files elsewhere hash the same (the hash is of content, not of where the pack lies) ...
        Assert.Equal(result.Pack.ContentHash, RulePackLoader.Load(_copy).Pack!.ContentHash);
        // ... and one changed character changes it.
        Edit("rulesets/cautions.yaml", "id: KET-24", "id: KET-24 ");
        Assert.NotEqual(result.Pack.ContentHash, RulePackLoader.Load(_copy).Pack!.ContentHash);
    }

    [Fact]
    public void GivenShippedPack_WhenAskedWhatObservationsItReads_ThenEachValueSetWithItsLongestWindow()
    {
        var reads = Repository.Pack.Reads.Observations.ToDictionary(r => r.Set.Id, r => r.Window?.Text);

        // KET-27 reads BMI over 12 months; the BP tiers read 30 days; a treatment course reads its severity scores back
        // to the baseline before its first infusion, however long ago (so all history of those, and of nothing else).
        Assert.Equal("12mo", reads["bmi"]);
        Assert.Equal("30d", reads["blood-pressure-panel"]);
        Assert.Null(reads["depression-severity-score"]);
        Assert.Null(reads["phq9-total"]);
        Assert.Null(Repository.Pack.ObservationsNeededSince(Fhir.Now));
        Assert.Contains("MedicationDispense", Repository.Pack.Reads.ResourceTypes);
        Assert.DoesNotContain("Claim", Repository.Pack.Reads.ResourceTypes);
    }

    [Fact]
    public void GivenAnObservationRuleWithoutWindow_WhenLoaded_ThenAllObservationHistoryIsNeeded()
    {
        Edit("rulesets/cautions.yaml", "{ fact: observation, valueSet: bmi, within: 12mo, value: { ge: 40, unit: \"kg/m2\" } }",
            "{ fact: observation, valueSet: bmi, value: { ge: 40, unit: \"kg/m2\" } }");

        Assert.Null(RulePackLoader.Load(_copy).Pack!.ObservationsNeededSince(Fhir.Now));
    }

    [Fact]
    public void GivenThreeDifferentMistakes_WhenLoaded_ThenAllThreeReportedWithFileLineAndRuleId()
    {
        Edit("rulesets/contraindications.yaml", "valueSet: aneurysm-or-avm", "valueSet: aneurysm-or-avn");
        Edit("rulesets/cautions.yaml", "{ fact: condition, valueSet: breastfeeding, status: active }", "{ fact: lactation, valueSet: breastfeeding }");
        Edit("rulesets/order-checks.yaml", "value: { gt: 0.75, unit: \"mg/kg\" }", "value: { gt: 0.75, unit: \"mg/kgg\" }");

        var result = RulePackLoader.Load(_copy);

        Assert.False(result.IsValid);
        Assert.Null(result.Pack);
        var avm = Assert.Single(result.Errors, e => e.RuleId == "KET-10");
        Assert.Equal("rulesets/contraindications.yaml", avm.File);
        Assert.Equal(LineOf("rulesets/contraindications.yaml", "aneurysm-or-avn"), avm.Line);
        Assert.Contains("aneurysm-or-avn", avm.Message);
        var fact = Assert.Single(result.Errors, e => e.RuleId == "KET-18");
        Assert.Equal(LineOf("rulesets/cautions.yaml", "fact: lactation"), fact.Line);
        var unit = Assert.Single(result.Errors, e => e.RuleId == "KET-36-WARN");
        Assert.Contains("mg/kgg", unit.Message);
        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void GivenYamlSyntaxError_WhenLoaded_ThenLineOfTheError()
    {
        Edit("rulesets/data-gaps.yaml", "    title: No recent body weight", "    title: [No recent body weight");

        var error = Assert.Single(RulePackLoader.Load(_copy).Errors);

        Assert.Equal("rulesets/data-gaps.yaml", error.File);
        Assert.InRange(error.Line, LineOf("rulesets/data-gaps.yaml", "[No recent body weight"), LineOf("rulesets/data-gaps.yaml", "[No recent body weight") + 2);
    }

    [Fact]
    public void GivenDuplicateIdAndSchemaViolation_WhenLoaded_ThenBothNamed()
    {
        Edit("rulesets/cautions.yaml", "id: KET-24", "id: KET-22");
        Edit("rulesets/cautions.yaml", "indicator: info\n      summary: \"Hyperthyroidism", "indicator: urgent\n      summary: \"Hyperthyroidism");

        var errors = RulePackLoader.Load(_copy).Errors;

        Assert.Contains(errors, e => e.Message.Contains("indicator", StringComparison.Ordinal) && e.File == "rulesets/cautions.yaml");
    }

    /// <summary>One mistake an admin can make, the edit that makes it, and what the error must say.</summary>
    public static TheoryData<string, string, string, string, string> SingleMistakes() => new()
    {
        // A second rule with an existing id: the second definition is the one reported.
        { "rulesets/cautions.yaml", "id: KET-24", "id: KET-22", "KET-22", "duplicate rule id" },
        // A summary template that can exceed the spec's 140 characters once its placeholders are filled.
        {
            "rulesets/data-gaps.yaml", "summary: No body weight in the last 30 days; the mg/kg dose cannot be checked",
            "summary: \"No body weight in the last 30 days ({{value}}, {{date}}); the mg/kg dose cannot be checked against the ordered dose of ketamine at all\"",
            "KET-36-NO-WEIGHT", "140"
        },
        // FHIRPath that does not compile is rejected at load, not at the first patient.
        {
            "rulesets/cautions.yaml", "{ fact: condition, valueSet: dementia, status: active }",
            "{ fact: condition, valueSet: dementia, status: active, where: \"code.coding.where(system = \" }", "KET-28", "FHIRPath"
        },
        // A parameter the fact does not read would silently do nothing: it is an error naming the fact and the parameter.
        {
            "rulesets/cautions.yaml", "{ fact: medication, valueSet: theophylline }", "{ fact: medication, valueSet: theophylline, expiresAfter: 90d }",
            "KET-26-WARN", "fact 'medication' does not take 'expiresAfter'"
        },
        {
            "rulesets/cautions.yaml",
            "- { fact: observation, valueSet: blood-pressure-panel, component: systolic-bp, within: 30d, value: { ge: 160, unit: \"mm[Hg]\" } }",
            "- { fact: observation, valueSet: blood-pressure-panel, component: systolic-bp, within: 30d, gap: 14d, value: { ge: 160, unit: \"mm[Hg]\" } }",
            "KET-13-WARN", "fact 'observation' does not take 'gap'"
        },
    };

    [Theory]
    [MemberData(nameof(SingleMistakes))]
    public void GivenOneMistake_WhenLoaded_ThenOneErrorNamingItsRule(string file, string from, string to, string ruleId, string message)
    {
        Edit(file, from, to);

        var error = Assert.Single(RulePackLoader.Load(_copy).Errors);

        Assert.Equal(ruleId, error.RuleId);
        Assert.Equal(file, error.File);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void GivenRulesReferringInACycle_WhenLoaded_ThenCycleNamed()
    {
        Edit("rulesets/data-gaps.yaml", "- not: { ref: KET-16 }", "- not: { ref: KET-17 }");

        Assert.Contains(RulePackLoader.Load(_copy).Errors, e => e.Message.Contains("cycle", StringComparison.Ordinal) && e.RuleId == "KET-17");
    }

    [Fact]
    public void GivenSnomedIsAFilterWithoutExpansion_WhenLoaded_ThenValidationError()
    {
        File.WriteAllText(Path.Combine(_copy, "valuesets", "snomed-filter.json"), """
            { "resourceType": "ValueSet", "id": "snomed-filter", "status": "active",
              "compose": { "include": [ { "system": "http://snomed.info/sct", "filter": [ { "property": "concept", "op": "is-a", "value": "35489007" } ] } ] } }
            """);

        var error = Assert.Single(RulePackLoader.Load(_copy).Errors);

        Assert.Equal("valuesets/snomed-filter.json", error.File);
        Assert.Contains("terminology server", error.Message);
    }

    [Fact]
    public void GivenSchemaAndSemanticMistakesInOneFile_WhenLoaded_ThenBothReportedInOneRun()
    {
        Edit("rulesets/contraindications.yaml", "    title: Primary psychotic disorder\n", "");
        Edit("rulesets/contraindications.yaml", "valueSet: aneurysm-or-avm", "valueSet: aneurysm-or-avn");

        var result = RulePackLoader.Load(_copy);

        Assert.Null(result.Pack);
        var schema = Assert.Single(result.Errors, e => e.RuleId == "KET-08");
        Assert.Contains("title", schema.Message);
        var semantic = Assert.Single(result.Errors, e => e.RuleId == "KET-10");
        Assert.Equal(LineOf("rulesets/contraindications.yaml", "aneurysm-or-avn"), semantic.Line);
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public void GivenRuleFileNotListedInPackYaml_WhenLoaded_ThenAnErrorNamesItAndExcludingItOnPurposeIsValid()
    {
        File.WriteAllText(Path.Combine(_copy, "rulesets", "local-additions.yaml"), "rules: []\n");

        var unlisted = RulePackLoader.Load(_copy);

        Assert.Null(unlisted.Pack);
        var error = Assert.Single(unlisted.Errors);
        Assert.Equal("rulesets/local-additions.yaml", error.File);
        Assert.Contains("not listed in pack.yaml", error.Message);

        Edit("pack.yaml", "valueSetFolders:", "excludeFiles:\n  - rulesets/local-additions.yaml\nvalueSetFolders:");
        var result = RulePackLoader.Load(_copy);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
    }

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_copy, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private int LineOf(string file, string text) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(_copy, file)), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
