using System.Text.RegularExpressions;
using KetamineCds.Rules.Testing;

namespace KetamineCds.Rules.Tests;

/// <summary>The pack's own test cases (rules/tests/*.yaml), run as part of the suite, and their coverage.</summary>
[Trait("Category", "Unit")]
public partial class RuleCaseTests
{
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
        var results = RuleTestRunner.Run(Repository.Pack, Path.Combine(Repository.RulesFolder, "tests")).Where(r => r.File == file).ToList();

        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Passed).SelectMany(r => r.Failures.Select(f => $"{r.Name}: {f}")).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void GivenShippedPack_WhenCasesScanned_ThenEveryActiveRuleHasAFiringAndASilentCase()
    {
        var text = string.Join("\n", Directory.EnumerateFiles(Path.Combine(Repository.RulesFolder, "tests"), "*.yaml").Select(File.ReadAllText));
        var fires = ExpectRule().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
        var silent = ExpectNone().Matches(text).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)).ToHashSet();

        var active = Repository.Pack.Rules.Where(r => r.IsActive).Select(r => r.Id).ToList();

        // The reminder and the summary apply to every ketamine order; everything else must be shown to stay silent too.
        Assert.Equal(Array.Empty<string>(), active.Where(id => !fires.Contains(id)).ToArray());
        Assert.Equal(Array.Empty<string>(), active.Where(id => !silent.Contains(id) && id is not "KET-38" and not "KET-00-SUMMARY").ToArray());
    }

    [GeneratedRegex(@"rule: ([A-Z0-9-]+)")]
    private static partial Regex ExpectRule();

    [GeneratedRegex(@"expectNone: \[([^\]]*)\]")]
    private static partial Regex ExpectNone();
}
