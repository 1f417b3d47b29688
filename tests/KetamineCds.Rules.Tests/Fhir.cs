using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Tests;

/// <summary>Small builders for the FHIR resources the fact tests need.</summary>
public static class Fhir
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static Patient Patient(string birthDate = "1980-04-12", AdministrativeGender? gender = AdministrativeGender.Male) =>
        new() { Id = "p1", BirthDate = birthDate, Gender = gender };

    public static Condition Condition(string code, string system = CodeSystems.Icd10Cm, string clinical = "active",
        string verification = "confirmed", string? onset = "2024-06-01", string id = "c1") => new()
    {
        Id = id,
        Code = new CodeableConcept(system, code),
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical),
        VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification),
        Onset = onset is null ? null : new FhirDateTime(onset),
    };

    public static Observation Quantity(string loinc, decimal value, string unit, string when, string id = "o1",
        ObservationStatus status = ObservationStatus.Final) => new()
    {
        Id = id,
        Status = status,
        Code = new CodeableConcept(CodeSystems.Loinc, loinc),
        Effective = new FhirDateTime(when),
        Value = new Hl7.Fhir.Model.Quantity { Value = value, Unit = unit, Code = unit, System = CodeSystems.Ucum },
    };

    public static Observation BloodPressure(decimal systolic, decimal diastolic, string when, string id = "bp1") => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(CodeSystems.Loinc, "85354-9"),
        Effective = new FhirDateTime(when),
        Component =
        [
            new Observation.ComponentComponent { Code = new CodeableConcept(CodeSystems.Loinc, "8480-6"), Value = new Hl7.Fhir.Model.Quantity(systolic, "mm[Hg]") },
            new Observation.ComponentComponent { Code = new CodeableConcept(CodeSystems.Loinc, "8462-4"), Value = new Hl7.Fhir.Model.Quantity(diastolic, "mm[Hg]") },
        ],
    };

    public static MedicationRequest Medication(string rxnorm, string display, MedicationRequest.MedicationrequestStatus status = MedicationRequest.MedicationrequestStatus.Active,
        string authoredOn = "2026-09-01", string id = "m1", int? supplyDays = null, decimal tablets = 1, int perDay = 1) => new()
    {
        Id = id,
        Status = status,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = new CodeableConcept(CodeSystems.RxNorm, rxnorm, display, display),
        AuthoredOn = authoredOn,
        DosageInstruction =
        [
            new Dosage
            {
                Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = perDay, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
                DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Hl7.Fhir.Model.Quantity { Value = tablets, Unit = "tablet" } }],
            },
        ],
        DispenseRequest = supplyDays is null ? null : new MedicationRequest.DispenseRequestComponent
        {
            ExpectedSupplyDuration = new Duration { Value = supplyDays, Unit = "days", Code = "d" },
        },
    };

    public static MedicationRequest KetamineOrder(decimal mg = 35, string unit = "mg", int minutes = 40, string id = "ket1") => new()
    {
        Id = id,
        Status = MedicationRequest.MedicationrequestStatus.Draft,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = new CodeableConcept(CodeSystems.RxNorm, "6130", "ketamine"),
        DosageInstruction =
        [
            new Dosage
            {
                Timing = new Timing { Repeat = new Timing.RepeatComponent { Duration = minutes, DurationUnit = Timing.UnitsOfTime.Min } },
                DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Hl7.Fhir.Model.Quantity { Value = mg, Unit = unit, Code = unit } }],
            },
        ],
    };
}
