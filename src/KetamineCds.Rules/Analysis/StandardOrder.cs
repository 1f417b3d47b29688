using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Analysis;

/// <summary>
/// The usual first infusion, 35 mg IV over 40 minutes (0.5 mg/kg for 70 kg; Sanacora 2017 consensus), as a draft order:
/// what the preview and the pack diff put in front of the order-time rules when a record brings no order of its own.
/// </summary>
public static class StandardOrder
{
    public static MedicationRequest For(string? patientId, string id = "standard-ketamine-order") => new()
    {
        Id = id,
        Status = MedicationRequest.MedicationrequestStatus.Draft,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Subject = new ResourceReference(patientId is { } patient ? $"Patient/{patient}" : "Patient/unknown"),
        Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130", "ketamine", "ketamine IV infusion"),
        DosageInstruction =
        [
            new Dosage
            {
                Route = new CodeableConcept { Text = "intravenous" },
                Timing = new Timing { Repeat = new Timing.RepeatComponent { Count = 1, Duration = 40, DurationUnit = Timing.UnitsOfTime.Min } },
                DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = 35, Unit = "mg", System = "http://unitsofmeasure.org", Code = "mg" } }],
            },
        ],
    };
}
