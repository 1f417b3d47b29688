using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Versions that mean something: a rule's content hash moves with what the rule does (its condition, its value sets'
/// codes) and with nothing else, and the pack diff lists the cards a change gains or loses.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PackDiffTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "pack-diff-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_copy))
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    [Fact]
    public void GivenOnlyVersionReviewDateAndApprovalChanged_WhenHashed_ThenTheRuleIsTheSame()
    {
        CopyPack();
        Edit("rulesets/contraindications.yaml", "  - id: KET-08\n    version: 1.0.1", "  - id: KET-08\n    version: 1.0.2\n    approvedBy: CDS committee\n    approvedOn: 2026-12-01");

        var edited = Load();

        Assert.Equal(Repository.Pack.RuleContentHashes["KET-08"], edited.RuleContentHashes["KET-08"]);
        Assert.Empty(PackDiff.Unversioned(Repository.Pack, edited));
    }

    [Fact]
    public void GivenACodeAddedToAValueSet_WhenHashed_ThenOnlyTheRulesReadingThatSetChangeAndEachIsNamedUnlessVersioned()
    {
        CopyPack();
        // A value set's codes are part of what a rule does: a new code is a new rule, though no YAML changed.
        Edit("valuesets/psychotic-disorders.json", "\"code\": \"F20.9\"", "\"code\": \"F20.99\"");

        var edited = Load();

        var changed = Repository.Pack.Rules.Where(r => Repository.Pack.RuleContentHashes[r.Id] != edited.RuleContentHashes[r.Id]).Select(r => r.Id).ToList();
        Assert.Contains("KET-08", changed);
        Assert.DoesNotContain("KET-13-CRIT", changed);
        Assert.Equal(changed.Order(StringComparer.Ordinal), PackDiff.Unversioned(Repository.Pack, edited).Select(u => u.RuleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GivenTheCrisisTierMovedTo170_WhenDiffedOverThePackTests_ThenTheBoundaryCaseGainsACriticalAndNoneLosesOne()
    {
        CopyPack();
        var path = Path.Combine(_copy, "rulesets", "contraindications.yaml");
        var text = File.ReadAllText(path);
        var at = text.IndexOf("ge: 180", text.IndexOf("id: KET-13-CRIT", StringComparison.Ordinal), StringComparison.Ordinal);
        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), "ge: 170", text.AsSpan(at + 7)));

        var result = PackDiff.Run(Repository.Pack, Load(), DiffCase.FromTests(Path.Combine(Repository.RulesFolder, "tests")));

        var crisis = Assert.Single(result.PerRule, r => r.RuleId == "KET-13-CRIT");
        Assert.True(crisis.Gained >= 1);
        Assert.Equal((0, 0), (crisis.Lost, crisis.Changed));
        Assert.Contains(result.Changes, c => c.RuleId == "KET-13-CRIT" && c.Change == "gained" && c.Case.Contains("179/109", StringComparison.Ordinal));
        Assert.Equal("KET-13-CRIT", Assert.Single(result.Unversioned).RuleId);
    }

    [Fact]
    public void GivenTheSamePack_WhenDiffed_ThenNoCardChanges() =>
        Assert.Equal("no card changes over", PackDiff.Run(Repository.Pack, Repository.Pack, DiffCase.FromTests(Path.Combine(Repository.RulesFolder, "tests"))).Summary[..20]);

    private Evaluation.CompiledPack Load()
    {
        var result = RulePackLoader.Load(_copy);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Pack!;
    }

    private void CopyPack()
    {
        foreach (var file in Directory.EnumerateFiles(Repository.RulesFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_copy, Path.GetRelativePath(Repository.RulesFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_copy, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }
}
