using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// What each rule tells a clinician, a site and a regulator about itself (its public page and the HTI-1 source
/// attributes), derived from the rule as it runs; and the card habits EHRs depend on: a static topic per rule, and
/// critical summaries that advise rather than command.
/// </summary>
[Trait("Category", "Unit")]
public sealed class InterventionDetailsTests : IDisposable
{
    private readonly PackFolderCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void GivenTheShippedPack_WhenEveryRulesTopicIsRead_ThenEachIsItsIdInLettersAndDigitsAndNoTwoShareOne()
    {
        var topics = Repository.Pack.Rules.Select(r => (r.Id, Code: r.Spec.Card.Source.Topic?.Code)).ToList();

        Assert.All(topics, t => Assert.Equal(InterventionDetails.TopicCodeOf(t.Id), t.Code));
        Assert.All(topics, t => Assert.Matches("^[A-Za-z0-9]{1,100}$", t.Code));
        Assert.Equal(topics.Count, topics.Select(t => t.Code).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void GivenTheShippedPack_WhenCriticalSummariesAreRead_ThenTheyAdviseAndNeverCommand()
    {
        // A critical card states the finding and what to weigh ("assess for hypertensive emergency before starting");
        // orders ("do not start", "avoid ketamine", "now") take the decision from the prescriber.
        string[] commands = ["do not ", "don't ", "avoid ", "stop ", " now", "must "];
        var critical = Repository.Pack.Rules.Where(r => r.Indicator == Indicator.Critical).ToList();

        Assert.NotEmpty(critical);
        Assert.All(critical, r => Assert.DoesNotContain(commands, c => r.Spec.Card.Summary.Contains(c, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void GivenTheCrisisBloodPressureRule_WhenItsDetailsAreRead_ThenThresholdsEvidenceAndReviewComeFromTheRule()
    {
        var details = Repository.Pack.Details["KET-13-CRIT"];

        Assert.Contains(details.Thresholds, t => t.Contains("blood-pressure-panel", StringComparison.Ordinal) && t.Contains("≥ 180 mm[Hg]", StringComparison.Ordinal));
        Assert.Contains(details.Evidence, e => e.Citation.Contains("Spravato", StringComparison.Ordinal));
        Assert.Equal("KET13CRIT", details.TopicCode);
        Assert.Equal(Repository.Pack.RulesById["KET-13-CRIT"].Spec.LastReviewed, details.LastReviewed);
        Assert.False(string.IsNullOrWhiteSpace(details.IntendedUse)); // the pack's intended use, as the rule sets none
        Assert.Null(details.SignedOffBy); // the shipped pack is not signed off: the deploying site does that
    }

    [Theory]
    [InlineData("KET-01", InterventionDetails.DateOfBirth)]
    [InlineData("KET-16", "health status assessments (pregnancy status)")]
    public void GivenARuleReadingDemographicOrAssessmentData_WhenItsDetailsAreRead_ThenTheDataElementIsNamed(string rule, string element) =>
        Assert.Contains(element, Repository.Pack.Details[rule].DataElements);

    [Fact]
    public void GivenARuleReadingNoDemographics_WhenItsDetailsAreRead_ThenNoneIsNamed() =>
        Assert.Empty(Repository.Pack.Details["KET-08"].DataElements);

    [Fact]
    public void GivenTwoRulesSharingATopicCode_WhenLoaded_ThenRefusedNamingBothRules()
    {
        _copy.Edit("rulesets/contraindications.yaml", "code: KET10,", "code: KET08,");

        var result = RulePackLoader.Load(_copy.Folder);

        var error = Assert.Single(result.Errors);
        Assert.Equal("KET-10", error.RuleId);
        Assert.Contains("KET08", error.Message, StringComparison.Ordinal);
        Assert.Contains("KET-08", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 1);
    }

    [Fact]
    public void GivenARuleWithoutATopic_WhenLoaded_ThenTheSchemaRefusesIt()
    {
        var path = Path.Combine(_copy.Folder, "rulesets", "contraindications.yaml");
        var lines = File.ReadAllLines(path).ToList();
        lines.RemoveAt(lines.FindIndex(l => l.Contains("code: KET11,", StringComparison.Ordinal)));
        File.WriteAllLines(path, lines);

        var result = RulePackLoader.Load(_copy.Folder);

        Assert.Contains(result.Errors, e => e.RuleId == "KET-11" && e.Message.Contains("topic", StringComparison.Ordinal));
    }
}
