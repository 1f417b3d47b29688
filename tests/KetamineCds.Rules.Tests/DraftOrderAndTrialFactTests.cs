using Hl7.Fhir.Model;
using static KetamineCds.Rules.Tests.FactHarness;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class DraftOrderAndTrialFactTests
{
    private static DraftOrderFact PerKg(decimal above) => new(DraftOrderFact.DosePerKg, new Comparison("gt", above, "mg/kg"), Set("body-weight"), Window("30d"));

    [Fact]
    public void GivenWeightInPounds_WhenDosePerKgComputed_ThenConvertedAndBothShown()
    {
        var result = Evaluate(PerKg(0.75m), [Fhir.Quantity("29463-7", 154.324m, "[lb_av]", "2026-11-20")], Fhir.KetamineOrder(56));

        Assert.Equal(Truth.True, result.Truth); // 56 mg / 70 kg = 0.8 mg/kg
        Assert.Equal("0.8 mg/kg", result.Evidence[0].Value);
        Assert.Equal("70 kg", result.Evidence[1].Value);
    }

    [Fact]
    public void GivenDoseOrderedPerKg_WhenChecked_ThenNoWeightNeeded()
    {
        Assert.Equal(Truth.True, Evaluate(PerKg(0.75m), [], Fhir.KetamineOrder(1.0m, "mg/kg")).Truth);
    }

    [Fact]
    public void GivenOnlyAnOldWeight_WhenDosePerKgComputed_ThenTheMissingWeightCardSpeaksForIt()
    {
        // Not Unknown: that would add a "check incomplete" card beside KET-36-NO-WEIGHT's, which says the same.
        var result = Evaluate(PerKg(0.75m), [Fhir.Quantity("29463-7", 70, "kg", "2026-09-01")], Fhir.KetamineOrder(70));

        Assert.Equal(Truth.False, result.Truth);
        Assert.Contains("no body weight", result.Explanation);
        Assert.Contains("missing-weight card", result.Explanation);
    }

    [Fact]
    public void GivenRateInsteadOfDuration_WhenDurationComputed_ThenDoseOverRate()
    {
        var order = Fhir.KetamineOrder(40);
        order.DosageInstruction[0].Timing = null;
        order.DosageInstruction[0].DoseAndRate[0].Rate = new Hl7.Fhir.Model.Quantity { Value = 2, Unit = "mg/min", Code = "mg/min" };

        var result = Evaluate(new DraftOrderFact(DraftOrderFact.DurationMinutes, new Comparison("lt", 30, null), null, null), [], order);

        Assert.Equal(Truth.True, result.Truth);
        Assert.Equal("20 min", result.Evidence.Single().Value);
    }

    private static AntidepressantTrialsFact Trials(int minDays = 42) =>
        new(Set("antidepressants"), Repository.Pack.Doses, minDays, Window("24mo"), new Comparison("ge", 2, null));

    /// <summary>A 90-day sertraline 100 mg course, then a second 90-day course of another product.</summary>
    [Theory]
    // Two ingredients at adequate doses: two trials, TRD criterion met.
    [InlineData("351250", "escitalopram 20 MG Oral Tablet", true, 2)]
    // Both sertraline: one ingredient, one trial, whatever the number of orders or their strengths.
    [InlineData("312938", "sertraline 25 MG Oral Tablet", false, 1)]
    public void GivenTwoCourses_WhenCounted_ThenOneTrialPerIngredientWithItsDailyDose(string secondCode, string secondDisplay, bool met, int trials)
    {
        var result = Evaluate(Trials(),
            Fhir.Medication("312941", "sertraline 100 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-10", "a", 90),
            Fhir.Medication(secondCode, secondDisplay, MedicationRequest.MedicationrequestStatus.Completed, "2025-06-01", "b", 90));

        Assert.Equal(met ? Truth.True : Truth.False, result.Truth);
        Assert.Equal(trials, result.Evidence.Count);
        Assert.All(result.Evidence, e => Assert.Contains("mg/day", e.Value));
    }

    [Fact]
    public void GivenTwoDoseTabletsDaily_WhenCounted_ThenDailyDoseMultiplies()
    {
        // 25 mg × 2 tablets × 1/day = 50 mg/day = the sertraline minimum.
        var twice = Fhir.Medication("312938", "sertraline 25 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-06-01", "b", 90, tablets: 2);
        var other = Fhir.Medication("351250", "escitalopram 20 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-01", "a", 90);

        Assert.Equal(Truth.True, Evaluate(Trials(), twice, other).Truth);
    }

    [Fact]
    public void GivenNoDosageInTheRecord_WhenCounted_ThenTheTrialsAreNotDemonstratedAndTheEvidenceSaysWhy()
    {
        // An order without a dose does not show an adequate trial: TRD must not rest on it.
        var a = Fhir.Medication("36437", "sertraline", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-10", "a", 60);
        var b = Fhir.Medication("321988", "escitalopram", MedicationRequest.MedicationrequestStatus.Completed, "2025-06-01", "b", 60);
        a.DosageInstruction.Clear();
        b.DosageInstruction.Clear();

        var result = Evaluate(Trials(), a, b);

        Assert.Equal(Truth.False, result.Truth);
        Assert.All(result.Evidence, e => Assert.Contains("dose not stated in the record: trial not demonstrated", e.Note));
    }

    [Theory]
    [InlineData(MedicationRequest.MedicationrequestStatus.Cancelled, MedicationRequest.MedicationRequestIntent.Order)]
    [InlineData(MedicationRequest.MedicationrequestStatus.EnteredInError, MedicationRequest.MedicationRequestIntent.Order)]
    [InlineData(MedicationRequest.MedicationrequestStatus.Draft, MedicationRequest.MedicationRequestIntent.Order)]
    [InlineData(MedicationRequest.MedicationrequestStatus.Completed, MedicationRequest.MedicationRequestIntent.Proposal)]
    [InlineData(MedicationRequest.MedicationrequestStatus.Completed, MedicationRequest.MedicationRequestIntent.Plan)]
    public void GivenAnOrderThatWasNeverTaken_WhenCounted_ThenItIsNoTrial(MedicationRequest.MedicationrequestStatus status, MedicationRequest.MedicationRequestIntent intent)
    {
        var taken = Fhir.Medication("312941", "sertraline 100 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-10", "a", 90);
        var never = Fhir.Medication("351250", "escitalopram 20 MG Oral Tablet", status, "2025-06-01", "b", 90);
        never.Intent = intent;

        var result = Evaluate(Trials(), taken, never);

        Assert.Equal(Truth.False, result.Truth);
        Assert.Single(result.Evidence);
    }

    [Fact]
    public void GivenAStatementNotTaken_WhenCounted_ThenItIsNoTrial()
    {
        var taken = Fhir.Medication("312941", "sertraline 100 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-10", "a", 90);
        var notTaken = Statement("72625", "duloxetine 60 MG Delayed Release Oral Capsule", MedicationStatement.MedicationStatusCodes.NotTaken, "2026-01-01", "2026-03-15");

        Assert.Equal(Truth.False, Evaluate(Trials(), taken, notTaken).Truth);
    }

    [Fact]
    public void GivenAnActiveOrderFromLastWeek_WhenCounted_ThenTheCourseEndsToday()
    {
        // Authored 10 days before the pinned date with 90 days' supply: 10 days of treatment so far, not 90.
        var recent = Fhir.Medication("312941", "sertraline 100 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Active, "2026-11-16", "a", 90);
        var fact = new AntidepressantTrialsFact(Set("antidepressants"), Repository.Pack.Doses, 42, Window("24mo"), new Comparison("ge", 1, null));

        var result = Evaluate(fact, recent);

        Assert.Equal(Truth.False, result.Truth);
        Assert.StartsWith("10 days", result.Evidence.Single().Value);
    }

    [Theory]
    [InlineData(42, Truth.True)]
    [InlineData(41, Truth.False)]
    public void GivenCourseLength_WhenAtMinimumDays_ThenBoundaryInclusive(int days, Truth expected)
    {
        var result = Evaluate(Trials(),
            Fhir.Medication("312941", "sertraline 100 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-01-10", "a", 90),
            Fhir.Medication("351250", "escitalopram 20 MG Oral Tablet", MedicationRequest.MedicationrequestStatus.Completed, "2025-06-01", "b", days));

        Assert.Equal(expected, result.Truth);
    }

    /// <summary>Three monthly 30-day orders of fluoxetine: one course when the pauses are within the pack's gap.</summary>
    [Theory]
    [InlineData(14, true)]
    [InlineData(15, false)]
    public void GivenRepeatedOrdersOfOneDrug_WhenThePauseIsAtTheGapBoundary_ThenTheyMergeOnlyWithinIt(int pauseDays, bool merged)
    {
        var starts = new[] { new DateTime(2026, 5, 1) }.Concat([new DateTime(2026, 5, 31).AddDays(pauseDays), new DateTime(2026, 6, 30).AddDays(2 * pauseDays)]);
        var orders = starts.Select((d, i) => Fhir.Medication("310385", "fluoxetine 20 MG Oral Capsule", MedicationRequest.MedicationrequestStatus.Completed,
            d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"f{i}", 30)).Cast<Resource>().ToList();
        var fact = new AntidepressantTrialsFact(Set("antidepressants"), Repository.Pack.Doses, 42, Window("24mo"), new Comparison("ge", 1, null), Window("14d"));

        var result = Evaluate(fact, orders);

        Assert.Equal(merged ? Truth.True : Truth.False, result.Truth);
        Assert.StartsWith(merged ? $"{90 + 2 * pauseDays} days" : "30 days", result.Evidence.Single().Value);
    }

    [Theory]
    [InlineData(true, Truth.True)]
    [InlineData(false, Truth.False)]
    public void GivenMedicationStatementPeriod_WhenCounted_ThenPeriodIsTheCourseWhenItsDoseIsKnown(bool withDose, Truth expected)
    {
        var statement = Statement("72625", "duloxetine 60 MG Delayed Release Oral Capsule", MedicationStatement.MedicationStatusCodes.Completed, "2026-01-01", "2026-03-15");
        if (!withDose)
        {
            statement.Dosage.Clear();
        }

        var fact = new AntidepressantTrialsFact(Set("antidepressants"), Repository.Pack.Doses, 42, Window("24mo"), new Comparison("ge", 1, null));

        Assert.Equal(expected, Evaluate(fact, statement).Truth);
    }

    private static MedicationStatement Statement(string rxnorm, string display, MedicationStatement.MedicationStatusCodes status, string start, string end) => new()
    {
        Id = "s1", Status = status, Subject = new ResourceReference("Patient/p1"),
        Medication = new CodeableConcept(CodeSystems.RxNorm, rxnorm, display, display),
        Effective = new Period(new FhirDateTime(start), new FhirDateTime(end)),
        Dosage = [new Dosage { Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
            DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = 1, Unit = "capsule" } }] }],
    };
}
