using Hl7.Fhir.Model;
using static KetamineCds.Rules.Tests.FactHarness;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class MedicationAndAllergyFactTests
{
    private static MedicationFact Benzodiazepines(string? within = null) =>
        new(Set("benzodiazepines"), within is null ? null : Window(within), null, MedicationSource.All, null);

    [Theory]
    [InlineData(MedicationRequest.MedicationrequestStatus.Active, Truth.True)]
    [InlineData(MedicationRequest.MedicationrequestStatus.OnHold, Truth.True)]
    [InlineData(MedicationRequest.MedicationrequestStatus.Stopped, Truth.False)]
    [InlineData(MedicationRequest.MedicationrequestStatus.Completed, Truth.False)]
    [InlineData(MedicationRequest.MedicationrequestStatus.EnteredInError, Truth.False)]
    public void GivenRequestStatus_WhenActiveChecked_ThenOnlyActiveOrOnHoldCount(MedicationRequest.MedicationrequestStatus status, Truth expected)
    {
        Assert.Equal(expected, Evaluate(Benzodiazepines(), Fhir.Medication("6470", "lorazepam", status)).Truth);
    }

    [Fact]
    public void GivenStoppedLastMonth_WhenRecentWindowChecked_ThenCounts()
    {
        var stopped = Fhir.Medication("6470", "lorazepam", MedicationRequest.MedicationrequestStatus.Stopped, "2026-11-01");

        Assert.Equal(Truth.True, Evaluate(Benzodiazepines("90d"), stopped).Truth);
        Assert.Equal(Truth.False, Evaluate(Benzodiazepines("14d"), stopped).Truth);
    }

    [Fact]
    public void GivenMedicationReferenceToBundleMedication_WhenChecked_ThenResolved()
    {
        var medication = new Medication { Id = "lz", Code = new CodeableConcept(CodeSystems.RxNorm, "6470", "lorazepam") };
        var request = new MedicationRequest
        {
            Id = "m1", Status = MedicationRequest.MedicationrequestStatus.Active, Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new ResourceReference("Medication/lz"),
        };

        Assert.Equal(Truth.True, Evaluate(Benzodiazepines(), medication, request).Truth);
    }

    [Fact]
    public void GivenContainedMedicationCodedByIngredient_WhenChecked_ThenIngredientMatches()
    {
        var request = new MedicationRequest
        {
            Id = "m1", Status = MedicationRequest.MedicationrequestStatus.Active, Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new ResourceReference("#med"),
            Contained =
            [
                new Medication
                {
                    Id = "med", Code = new CodeableConcept { Text = "compounded capsule" },
                    Ingredient = [new Medication.IngredientComponent { Item = new CodeableConcept(CodeSystems.RxNorm, "3322", "diazepam") }],
                },
            ],
        };

        Assert.Equal(Truth.True, Evaluate(Benzodiazepines(), request).Truth);
    }

    [Fact]
    public void GivenBenzodiazepineDraftedInSameSession_WhenChecked_ThenCountsAsDraft()
    {
        var draft = Fhir.Medication("6470", "lorazepam", MedicationRequest.MedicationrequestStatus.Draft, id: "lz-draft");

        var result = Evaluate(Benzodiazepines(), [], otherDrafts: [draft]);

        Assert.Equal(Truth.True, result.Truth);
        Assert.Equal("draft order in this session", result.Evidence.Single().Value);
    }

    [Fact]
    public void GivenActiveStatement_WhenChecked_ThenCounts()
    {
        var statement = new MedicationStatement
        {
            Id = "s1", Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept(CodeSystems.RxNorm, "596", "alprazolam"), Subject = new ResourceReference("Patient/p1"),
        };

        Assert.Equal(Truth.True, Evaluate(Benzodiazepines(), statement).Truth);
    }

    [Fact]
    public void GivenKetamineAdministrations_WhenCountedInSevenDays_ThenOnlyThoseInsideCount()
    {
        var fact = new MedicationFact(Set("ketamine-products"), Window("7d"), new Comparison("ge", 4, null), MedicationSource.Administrations, null);
        MedicationAdministration Given(string id, string when) => new()
        {
            Id = id, Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept(CodeSystems.RxNorm, "6130"), Effective = new FhirDateTime(when), Subject = new ResourceReference("Patient/p1"),
        };

        var four = Evaluate(fact, Given("a", "2026-11-20"), Given("b", "2026-11-22"), Given("c", "2026-11-24"), Given("d", "2026-11-25"));
        var threeInside = Evaluate(fact, Given("a", "2026-11-18"), Given("b", "2026-11-22"), Given("c", "2026-11-24"), Given("d", "2026-11-25"));

        Assert.Equal(Truth.True, four.Truth);
        Assert.Equal(Truth.False, threeInside.Truth);
    }

    private static AllergyIntolerance Allergy(string verification = "confirmed", string clinical = "active") => new()
    {
        Id = "a1",
        Code = new CodeableConcept(CodeSystems.RxNorm, "6130", "ketamine"),
        VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", verification),
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", clinical),
        Patient = new ResourceReference("Patient/p1"),
    };

    [Theory]
    [InlineData("confirmed", "active", Truth.True)]
    [InlineData("unconfirmed", "active", Truth.True)]
    [InlineData("refuted", "active", Truth.False)]
    [InlineData("entered-in-error", "active", Truth.False)]
    [InlineData("confirmed", "resolved", Truth.False)]
    public void GivenAllergyStatus_WhenChecked_ThenRefutedErroneousAndResolvedIgnored(string verification, string clinical, Truth expected)
    {
        Assert.Equal(expected, Evaluate(new AllergyFact(Set("ketamine-substance"), null), Allergy(verification, clinical)).Truth);
    }
}
