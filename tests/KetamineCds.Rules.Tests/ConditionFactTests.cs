using static KetamineCds.Rules.Tests.FactHarness;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class ConditionFactTests
{
    private static ConditionFact Psychosis(bool ever, string? within = null) => new(Set("psychotic-disorders"), ever, within is null ? null : Window(within), null);

    [Theory]
    [InlineData("active", false, Truth.True)]
    [InlineData("recurrence", false, Truth.True)]
    [InlineData("inactive", false, Truth.False)]
    [InlineData("resolved", false, Truth.False)]
    [InlineData("remission", true, Truth.True)]
    [InlineData("resolved", true, Truth.True)]
    public void GivenClinicalStatus_WhenActiveOrEver_ThenHistoryCountsOnlyForEver(string status, bool ever, Truth expected)
    {
        var result = Evaluate(Psychosis(ever), Fhir.Condition("F20.9", clinical: status));

        Assert.Equal(expected, result.Truth);
    }

    [Theory]
    [InlineData("refuted")]
    [InlineData("entered-in-error")]
    public void GivenRefutedOrErroneousDiagnosis_WhenChecked_ThenItNeverCounts(string verification)
    {
        Assert.Equal(Truth.False, Evaluate(Psychosis(ever: true), Fhir.Condition("F20.9", verification: verification)).Truth);
    }

    [Theory]
    [InlineData("2026-10-27T10:00:00Z", Truth.True)]   // exactly 30 days before the pinned instant
    [InlineData("2026-10-27T09:59:59Z", Truth.False)]  // one second outside
    public void GivenOnsetAtWindowEdge_WhenWithin30Days_ThenBoundaryIsInclusive(string onset, Truth expected)
    {
        var fact = new ConditionFact(Set("hypertensive-crisis"), false, Window("30d"), null);

        Assert.Equal(expected, Evaluate(fact, Fhir.Condition("I16.1", onset: onset)).Truth);
    }

    [Fact]
    public void GivenActiveDiagnosisWithoutDates_WhenWindowed_ThenCountsWithANote()
    {
        var fact = new ConditionFact(Set("acute-coronary-syndrome"), true, Window("6mo"), null);

        var result = Evaluate(fact, Fhir.Condition("I21.9", onset: null));

        Assert.Equal(Truth.True, result.Truth);
        Assert.Equal("date not recorded", result.Evidence.Single().Note);
    }

    [Theory]
    [InlineData("F33.2")]
    [InlineData("F332")]   // ICD-10-CM without the dot, as some EHRs send it
    public void GivenIcdCodeWithOrWithoutDot_WhenMatched_ThenFound(string code)
    {
        Assert.Equal(Truth.True, Evaluate(new ConditionFact(Set("major-depression"), false, null, null), Fhir.Condition(code)).Truth);
    }

    [Fact]
    public void GivenIcdIsAFilter_WhenChildCodeRecorded_ThenMatchedByPrefix()
    {
        // intracranial-hemorrhage includes I62 by an is-a filter.
        Assert.Equal(Truth.True, Evaluate(new ConditionFact(Set("intracranial-hemorrhage"), true, null, null), Fhir.Condition("I62.03")).Truth);
    }

    [Fact]
    public void GivenSnomedCode_WhenInSet_ThenEvidenceCarriesCodeAndDate()
    {
        var result = Evaluate(new ConditionFact(Set("trd-diagnosis"), false, null, null), Fhir.Condition("1153570009", CodeSystems.Snomed, onset: "2025-03-04"));

        var evidence = Assert.Single(result.Evidence);
        Assert.Equal("Condition/c1", evidence.Reference);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 0, 0, 0, TimeSpan.Zero), evidence.Date);
    }

    [Fact]
    public void GivenFhirPathWhere_WhenConditionFailsIt_ThenNotCounted()
    {
        var onlyConfirmed = FhirPathFilter.Compile("verificationStatus.coding.code = 'confirmed'");
        var fact = new ConditionFact(Set("psychotic-disorders"), true, null, onlyConfirmed);

        Assert.Equal(Truth.False, Evaluate(fact, Fhir.Condition("F20.9", verification: "provisional")).Truth);
        Assert.Equal(Truth.True, Evaluate(fact, Fhir.Condition("F20.9")).Truth);
    }
}
