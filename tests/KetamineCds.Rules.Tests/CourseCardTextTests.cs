using Hl7.Fhir.Model;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Tests;

/// <summary>What the clinician reads on the course and blood-pressure cards: the data that fired them, whole.</summary>
[Trait("Category", "Unit")]
public sealed class CourseCardTextTests
{
    [Fact]
    public void GivenABloodPressureWhoseDiastolicFired_WhenCarded_ThenTheSummaryShowsTheWholeReading()
    {
        var findings = Evaluate([Fhir.Patient(), Fhir.BloodPressure(150, 112, "2026-11-25")]);

        var crisis = Assert.Single(findings, f => f.RuleId == "KET-13-CRIT");
        Assert.Contains("BP 150/112 mm[Hg] on 2026-11-25", crisis.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenSevenInfusionsAndThreeScores_WhenNoResponse_ThenTheDetailShowsTheTrajectoryDated()
    {
        IReadOnlyList<Resource> record =
        [
            Fhir.Patient(),
            Score("b", "2026-11-05", 18), Score("m", "2026-11-15", 15), Score("f", "2026-11-23", 16),
            .. new[] { "2026-11-10", "2026-11-12", "2026-11-14", "2026-11-17", "2026-11-19", "2026-11-21", "2026-11-24" }.Select((d, i) => Infusion($"k{i}", d)),
        ];

        var card = Assert.Single(Evaluate(record), f => f.RuleId == "KET-39-NO-RESPONSE");

        Assert.Equal("No response after the induction series, 18 → 16 (11 % reduction): reassess before continuing", card.Summary);
        Assert.Equal(1, card.Detail.Split("Current ketamine series").Length - 1); // the course listed once
        Assert.Contains("Baseline", card.Detail, StringComparison.Ordinal);
        Assert.Contains("2026-11-05", card.Detail, StringComparison.Ordinal);
        Assert.Contains("after infusion 3", card.Detail, StringComparison.Ordinal);
        Assert.Contains("after infusion 6", card.Detail, StringComparison.Ordinal);
        Assert.True(card.Detail.IndexOf("after infusion 3", StringComparison.Ordinal) < card.Detail.IndexOf("after infusion 6", StringComparison.Ordinal),
            $"scores are listed in the order they were recorded:{Environment.NewLine}{card.Detail}");
    }

    private static IReadOnlyList<Finding> Evaluate(IReadOnlyList<Resource> record) =>
        HookEvaluation.Evaluate(Repository.Pack, "order-sign", record, [Fhir.KetamineOrder()], selections: null, Fhir.Now).Findings;

    private static Observation Score(string id, string when, decimal value) => Fhir.Quantity("44261-6", value, "{score}", when, id);

    private static MedicationAdministration Infusion(string id, string when) => new()
    {
        Id = id,
        Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
        Medication = new CodeableConcept(CodeSystems.RxNorm, "6130", "ketamine"),
        Subject = new ResourceReference("Patient/p1"),
        Effective = new FhirDateTime(when),
    };
}
