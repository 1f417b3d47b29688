using Hl7.Fhir.Model;
using static KetamineCds.Rules.Tests.FactHarness;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class ObservationFactTests
{
    private static ObservationFact Systolic(decimal atLeast, string unit = "mm[Hg]") =>
        new(new ObservationQuery(Set("blood-pressure-panel"), Set("systolic-bp"), Window("30d"), ObservationTest.Value, new Comparison("ge", atLeast, unit)));

    [Fact]
    public void GivenTwoReadings_WhenComparingValue_ThenOnlyTheLatestCounts()
    {
        var result = Evaluate(Systolic(180), Fhir.BloodPressure(190, 100, "2026-11-10", "old"), Fhir.BloodPressure(130, 80, "2026-11-25", "new"));

        Assert.Equal(Truth.False, result.Truth);
        Assert.Equal("Observation/new", result.Evidence.Single().Reference);
    }

    [Fact]
    public void GivenPanelComponent_WhenValueAtThreshold_ThenTrueWithValueAndDate()
    {
        var result = Evaluate(Systolic(180), Fhir.BloodPressure(180, 90, "2026-11-25"));

        Assert.Equal(Truth.True, result.Truth);
        Assert.Equal("180/90 mm[Hg]", result.Evidence.Single().Value); // the reading whole
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), result.Evidence.Single().Date);
    }

    [Fact]
    public void GivenStandaloneSystolicInMmHgSpelling_WhenCompared_ThenUnitsAreEquivalent()
    {
        Assert.Equal(Truth.True, Evaluate(Systolic(180), Fhir.Quantity("8480-6", 181, "mmHg", "2026-11-25")).Truth);
    }

    [Theory]
    [InlineData(154.324, "[lb_av]", true)]   // 70.0 kg
    [InlineData(154.0, "[lb_av]", false)]    // 69.85 kg
    [InlineData(70000, "g", true)]
    [InlineData(69999, "g", false)]
    [InlineData(70, "kg", true)]
    public void GivenWeightInOtherMassUnits_WhenComparedInKg_ThenConverted(double value, string unit, bool atLeast70Kg)
    {
        var fact = new ObservationFact(new ObservationQuery(Set("body-weight"), Within: Window("30d"), Test: ObservationTest.Value, Comparison: new Comparison("ge", 70, "kg")));

        Assert.Equal(atLeast70Kg ? Truth.True : Truth.False, Evaluate(fact, Fhir.Quantity("29463-7", (decimal)value, unit, "2026-11-20")).Truth);
    }

    [Fact]
    public void GivenIncompatibleUnit_WhenCompared_ThenUnknownNotFalse()
    {
        var result = Evaluate(Systolic(180), Fhir.Quantity("8480-6", 24, "kPa", "2026-11-25"));

        Assert.Equal(Truth.Unknown, result.Truth);
        Assert.Contains("kPa", result.Explanation);
    }

    [Fact]
    public void GivenEnteredInErrorReading_WhenLatest_ThenIgnored()
    {
        var result = Evaluate(Systolic(180), Fhir.BloodPressure(130, 80, "2026-11-20", "ok"),
            Fhir.Quantity("8480-6", 200, "mm[Hg]", "2026-11-25", "err", ObservationStatus.EnteredInError));

        Assert.Equal(Truth.False, result.Truth);
    }

    [Theory]
    [InlineData("2026-10-27T10:00:00Z", Truth.False)] // inside 30 days: a reading exists
    [InlineData("2026-10-27T09:59:00Z", Truth.True)]  // just outside: absent
    public void GivenReadingAtWindowEdge_WhenAbsentChecked_ThenBoundaryInclusive(string when, Truth absent)
    {
        var fact = new ObservationFact(new ObservationQuery(Set("blood-pressure-panel"), Set("systolic-bp"), Window("30d"), ObservationTest.Absent));

        Assert.Equal(absent, Evaluate(fact, Fhir.BloodPressure(120, 80, when)).Truth);
    }

    [Fact]
    public void GivenNoObservationAtAll_WhenValueCompared_ThenFalseAndExplained()
    {
        var result = Evaluate(Systolic(140));

        Assert.Equal(Truth.False, result.Truth);
        Assert.Contains("no Systolic", result.Explanation);
    }

    [Fact]
    public void GivenPositiveCodedHcg_WhenCodedResultChecked_ThenTrue()
    {
        var fact = new ObservationFact(new ObservationQuery(Set("pregnancy-test"), Within: Window("30d"), Test: ObservationTest.Coded, Coded: Set("positive-result")));
        var test = new Observation
        {
            Id = "hcg", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "2106-3"),
            Effective = new FhirDateTime("2026-11-20"), Value = new CodeableConcept("http://snomed.info/sct", "10828004", "Positive"),
        };

        Assert.Equal(Truth.True, Evaluate(fact, test).Truth);
    }

    [Theory]
    [InlineData("Positive", Truth.True)]
    [InlineData(" positive ", Truth.True)]
    [InlineData("Negative", Truth.False)]
    public void GivenStringHcgResult_WhenTextChecked_ThenCaseInsensitive(string text, Truth expected)
    {
        var fact = new ObservationFact(new ObservationQuery(Set("pregnancy-test"), Within: Window("30d"), Test: ObservationTest.Text, Texts: ["positive", "detected"]));
        var test = new Observation
        {
            Id = "hcg", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "2106-3"),
            Effective = new FhirDateTime("2026-11-20"), Value = new FhirString(text),
        };

        Assert.Equal(expected, Evaluate(fact, test).Truth);
    }

    [Fact]
    public void GivenThreeScores_WhenCounted_ThenCountCompared()
    {
        var fact = new ObservationFact(new ObservationQuery(Set("phq9-total"), Within: Window("90d"), Test: ObservationTest.Count, Comparison: new Comparison("ge", 3, null)));

        var result = Evaluate(fact, Fhir.Quantity("44261-6", 18, "{score}", "2026-09-01", "a"),
            Fhir.Quantity("44261-6", 15, "{score}", "2026-10-01", "b"), Fhir.Quantity("44261-6", 12, "{score}", "2026-11-01", "c"));

        Assert.Equal(Truth.True, result.Truth);
        Assert.Equal(3, result.Evidence.Count);
    }
}
