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
    private readonly PackFolderCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void GivenOnlyVersionReviewDateAndApprovalChanged_WhenHashed_ThenTheRuleIsTheSame()
    {
        _copy.Edit("rulesets/contraindications.yaml", "  - id: KET-08\n    version: 1.0.1", "  - id: KET-08\n    version: 1.0.2\n    approvedBy: CDS committee\n    approvedOn: 2026-12-01");

        var edited = Load();

        Assert.Equal(Repository.Pack.RuleContentHashes["KET-08"], edited.RuleContentHashes["KET-08"]);
        Assert.Empty(PackDiff.Unversioned(Repository.Pack, edited));
    }

    [Fact]
    public void GivenACodeAddedToAValueSet_WhenHashed_ThenOnlyTheRulesReadingThatSetChangeAndEachIsNamedUnlessVersioned()
    {
        // A value set's codes are part of what a rule does: a new code is a new rule, though no YAML changed.
        _copy.Edit("valuesets/psychotic-disorders.json", "\"code\": \"F20.9\"", "\"code\": \"F20.99\"");

        var edited = Load();

        var changed = Repository.Pack.Rules.Where(r => Repository.Pack.RuleContentHashes[r.Id] != edited.RuleContentHashes[r.Id]).Select(r => r.Id).ToList();
        Assert.Contains("KET-08", changed);
        Assert.DoesNotContain("KET-13-CRIT", changed);
        Assert.Equal(changed.Order(StringComparer.Ordinal), PackDiff.Unversioned(Repository.Pack, edited).Select(u => u.RuleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GivenTheCrisisTierMovedTo170_WhenDiffedOverThePackTests_ThenTheBoundaryCaseGainsACriticalAndNoneLosesOne()
    {
        _copy.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 170");

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
        var result = RulePackLoader.Load(_copy.Folder);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Pack!;
    }
}
