using KetamineCds.Rules.Loading;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Every mistake an admin makes in a rule file is reported in words that say what to change: the wrong value, what is
/// allowed, the nearest valid name when it looks like a typo, and where (file, line, column, rule id).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PlainErrorTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), $"ketamine-pack-{Guid.NewGuid():N}");

    public PlainErrorTests()
    {
        foreach (var file in Directory.EnumerateFiles(Repository.RulesFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_copy, Path.GetRelativePath(Repository.RulesFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Theory]
    [InlineData("indicator: critical\n      summary: \"History of a primary", "indicator: severe\n      summary: \"History of a primary", "KET-08",
        "indicator 'severe' is not one of info, warning, critical")]
    [InlineData("{ fact: condition, valueSet: psychotic-disorders", "{ fact: conditon, valueSet: psychotic-disorders", "KET-08",
        "fact 'conditon' is not one of age, gender, condition, observation, medication, allergy, draftOrder, antidepressantTrials, ketamineSeries, procedure, consent; did you mean 'condition'?")]
    [InlineData("    title: Ketamine hypersensitivity\n", "    title: Ketamine hypersensitivity\n    colour: red\n", "KET-12", "'colour' is not a field here")]
    [InlineData("    title: Recent hypertensive crisis\n", "", "KET-14", "is missing 'title' (required)")]
    [InlineData("    title: Primary psychotic disorder\n    category: contraindication\n    hooks: [order-select, order-sign]",
        "    title: Primary psychotic disorder\n    category: contraindication\n    hooks: [order-select, order-sing]", "KET-08",
        "hooks[1] 'order-sing' is not one of order-select, order-sign, patient-view; did you mean 'order-sign'?")]
    [InlineData("valueSet: aneurysm-or-avm,", "valueSet: aneurysm-or-avn,", "KET-10", "value set 'aneurysm-or-avn' is not in the pack; did you mean 'aneurysm-or-avm'?")]
    public void GivenAMistake_WhenLoaded_ThenItIsReportedInPlainWordsWithLineColumnAndRule(string from, string to, string rule, string words)
    {
        var path = Path.Combine(_copy, "rulesets", "contraindications.yaml");
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));

        var errors = RulePackLoader.Load(_copy).Errors;

        var error = Assert.Single(errors, e => e.RuleId == rule);
        Assert.Contains(words, error.Message, StringComparison.Ordinal);
        Assert.Equal("rulesets/contraindications.yaml", error.File);
        Assert.True(error.Line > 1 && error.Column > 0, error.ToString());
    }
}
