using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]
public class AgeAndGenderFactTests
{
    [Theory]
    [InlineData("2008-11-26", Truth.True)]    // 18th birthday today
    [InlineData("2008-11-27", Truth.False)]   // 18 tomorrow
    [InlineData("2008", Truth.Unknown)]       // born in 2008: 17 or 18 on 2026-11-26, so "adult" cannot be decided
    [InlineData("2008-10", Truth.True)]       // born in October 2008: 18 whatever the day
    [InlineData("2008-12", Truth.False)]      // born in December 2008: 17 whatever the day
    [InlineData("2000", Truth.True)]          // 26 whatever the day
    public void GivenBirthDate_WhenAdultChecked_ThenBirthdayBoundaryHolds(string birthDate, Truth adult)
    {
        var result = FactHarness.Evaluate(new AgeFact(new Comparison("ge", 18, null)), Fhir.Patient(birthDate));

        Assert.Equal(adult, result.Truth);
        Assert.Contains("years", result.Evidence.Single().Value);
    }

    [Fact]
    public void GivenNoBirthDate_WhenAgeChecked_ThenUnknownNotFalse()
    {
        var patient = new Patient { Id = "p1" };

        var result = FactHarness.Evaluate(new AgeFact(new Comparison("lt", 18, null)), patient);

        Assert.Equal(Truth.Unknown, result.Truth);
        Assert.Contains("no birth date", result.Explanation);
    }

    [Fact]
    public void GivenNoPatientResource_WhenAgeChecked_ThenUnknown()
    {
        Assert.Equal(Truth.Unknown, FactHarness.Evaluate(new AgeFact(new Comparison("lt", 18, null))).Truth);
    }

    [Theory]
    [InlineData(AdministrativeGender.Female, Truth.True)]
    [InlineData(AdministrativeGender.Male, Truth.False)]
    [InlineData(null, Truth.Unknown)]
    public void GivenGender_WhenFemaleChecked_ThenMissingIsUnknown(AdministrativeGender? gender, Truth expected)
    {
        var result = FactHarness.Evaluate(new GenderFact(["female"]), Fhir.Patient(gender: gender));

        Assert.Equal(expected, result.Truth);
    }
}
