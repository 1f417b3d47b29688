using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class AgeAndGenderFactTests
{
    [Theory]
    [InlineData("2008-11-26", true)]   // 18th birthday today
    [InlineData("2008-11-27", false)]  // 18 tomorrow
    [InlineData("2008", true)]         // partial date: earliest instant, 2008-01-01
    public void GivenBirthDate_WhenAdultChecked_ThenBirthdayBoundaryHolds(string birthDate, bool adult)
    {
        var result = FactHarness.Evaluate(new AgeFact(new Comparison("ge", 18, null)), Fhir.Patient(birthDate));

        Assert.Equal(adult ? Truth.True : Truth.False, result.Truth);
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
