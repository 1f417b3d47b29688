using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Data the host could not retrieve (a FHIR query that timed out) makes the rules that read it undecidable: a
/// contraindication is never read as absent, a data gap is not claimed on data that never arrived, and evidence that
/// did arrive still counts.
/// </summary>
[Trait("Category", "Unit")]
public sealed class UnretrievedDataTests
{
    private static EvaluationResult Evaluate(IReadOnlyCollection<string> unretrieved, params Resource[] resources) =>
        RuleEvaluator.Evaluate(Repository.Pack, new PatientRecord(resources, unretrieved), new HookContext("order-sign", [Fhir.KetamineOrder()], []), Fhir.Now);

    private static Resource[] Adult(params Resource[] extra) =>
        [Fhir.Patient(), Fhir.Condition("F33.2"), Fhir.Quantity("29463-7", 70, "kg", "2026-11-20", "wt"), Fhir.Quantity("44261-6", 18, "{score}", "2026-11-20", "phq"),
            Fhir.BloodPressure(128, 82, "2026-11-25"), .. extra];

    private static RuleOutcome OutcomeOf(EvaluationResult result, string rule) => result.Trace.Single(t => t.RuleId == rule).Outcome;

    [Fact]
    public void GivenAllergiesNotRetrieved_WhenEvaluated_ThenTheKetamineAllergyCheckIsIncompleteNotAbsent()
    {
        var retrieved = Evaluate([], Adult());
        var unretrieved = Evaluate(["AllergyIntolerance"], Adult());

        Assert.Equal(RuleOutcome.Silent, OutcomeOf(retrieved, "KET-12"));
        Assert.Equal(RuleOutcome.Unknown, OutcomeOf(unretrieved, "KET-12"));
        var card = Assert.Single(unretrieved.Findings, f => f.RuleId == "KET-12");
        Assert.StartsWith("Check incomplete", card.Summary, StringComparison.Ordinal);
        Assert.Contains("AllergyIntolerance data could not be retrieved", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenObservationsNotRetrieved_WhenEvaluated_ThenNoBloodPressureGapIsClaimedAndTheCrisisCheckIsIncomplete()
    {
        var result = Evaluate(["Observation"], Fhir.Patient(), Fhir.Condition("F33.2"));

        // "No BP in the last 30 days" would be a claim about data that never arrived.
        Assert.Equal(RuleOutcome.Unknown, OutcomeOf(result, "KET-13-MISSING"));
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "KET-13-MISSING");
        Assert.Equal(RuleOutcome.Unknown, OutcomeOf(result, "KET-13-CRIT"));
        Assert.Contains(result.Findings, f => f.RuleId == "KET-13-CRIT" && f.Summary.StartsWith("Check incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAContraindicationFoundInTheDataThatArrived_WhenTheRestWasNotRetrieved_ThenItStillFires()
    {
        var result = Evaluate(["Condition"], Adult(Fhir.Condition("F20.9", id: "scz")));

        Assert.Equal(RuleOutcome.Fired, OutcomeOf(result, "KET-08"));
        Assert.Equal(Indicator.Critical, result.Findings.Single(f => f.RuleId == "KET-08").Indicator);
    }

    [Fact]
    public void GivenOneObservationCategoryNotRetrieved_WhenEvaluated_ThenOnlyTheRulesOverThatCategoryAreUndecidable()
    {
        // The token may not search questionnaire scores (one prefetch key per category, one refused): the PHQ-9 gap
        // cannot be claimed, but the blood pressure that arrived is still judged.
        var result = Evaluate([UnretrievedPart.Format("Observation", "survey")], Fhir.Patient(), Fhir.Condition("F33.2"),
            Fhir.BloodPressure(186, 112, "2026-11-25"));

        Assert.Equal(RuleOutcome.Unknown, OutcomeOf(result, "KET-06-MISSING"));
        Assert.Equal(RuleOutcome.Fired, OutcomeOf(result, "KET-13-CRIT"));
        Assert.Equal(Indicator.Critical, result.Findings.Single(f => f.RuleId == "KET-13-CRIT").Indicator);
    }
}
