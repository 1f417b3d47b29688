using KetamineCds.Rules.Testing;

namespace KetamineCds.Rules.Tests;

/// <summary>The pack's own test cases (rules/tests/*.yaml), run as part of the suite, and their coverage.</summary>
[Trait("Category", "Unit")]
public sealed class RuleCaseTests
{
    // Every case runs once for the whole class; each file's theory row reads its share.
    private static readonly Lazy<IReadOnlyList<RuleTestResult>> Results =
        new(() => RuleTestRunner.Run(Repository.Pack, Path.Combine(Repository.RulesFolder, "tests")));

    public static TheoryData<string> CaseFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.RulesFolder, "tests"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void GivenRuleTestFile_WhenRun_ThenEveryCaseHolds(string file)
    {
        var results = Results.Value.Where(r => r.File == file).ToList();

        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Passed).SelectMany(r => r.Failures.Select(f => $"{r.Name}: {f}")).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void GivenShippedPack_WhenCasesRead_ThenEveryActiveRuleHasAFiringAndASilentCase()
    {
        // Read from the cases as parsed and run, so a commented-out case counts for nothing.
        var fires = Results.Value.SelectMany(r => r.Expects ?? []).ToHashSet(StringComparer.Ordinal);
        var silent = Results.Value.SelectMany(r => r.ExpectsNone ?? []).ToHashSet(StringComparer.Ordinal);

        var active = Repository.Pack.Rules.Where(r => r.IsActive).Select(r => r.Id).ToList();

        // The reminder and the summary apply to every ketamine order; everything else must be shown to stay silent too.
        Assert.Equal(Array.Empty<string>(), active.Where(id => !fires.Contains(id)).ToArray());
        Assert.Equal(Array.Empty<string>(), active.Where(id => !silent.Contains(id) && id is not "KET-38" and not "KET-00-SUMMARY").ToArray());
    }
}
