using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: medication, property: diazepamEquivalentMg</c>: the benzodiazepines in the value set taken now (an active
/// or on-hold order, an active statement, one drafted in the same ordering session), their daily doses converted to
/// diazepam with the pack's equivalence table and added up, compared with <c>value</c>. Higher benzodiazepine loads
/// went with non-response to ketamine (Frye 2015; Andrashko 2020). A drug whose dose or equivalent cannot be read adds
/// nothing and is named in the evidence: the base benzodiazepine warning (KET-29) still shows it.
/// </summary>
internal sealed class DiazepamEquivalentFact(ValueSetIndex valueSet, IngredientTable<EquivalenceRow> table, Comparison comparison, FhirPathFilter? where)
    : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var record = context.Record;
        var taken = new List<(DomainResource Owner, DataType? Medication, Dosage? Dosage, string Reference)>();
        taken.AddRange(record.Index.MedicationRequestsCodedIn(valueSet)
            .Where(r => r.Status is MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.OnHold)
            .Select(r => ((DomainResource)r, (DataType?)r.Medication, r.DosageInstruction.FirstOrDefault(), $"MedicationRequest/{r.Id}")));
        taken.AddRange(record.Index.MedicationStatementsCodedIn(valueSet).Where(s => s.Status == MedicationStatement.MedicationStatusCodes.Active)
            .Select(s => ((DomainResource)s, (DataType?)s.Medication, s.Dosage.FirstOrDefault(), $"MedicationStatement/{s.Id}")));
        taken.AddRange(context.Hook.DraftOrders.Where(d => !context.KetamineOrders.Contains(d) && record.Medications.Match(valueSet, d.Medication, d, record.Index) is not null)
            .Select(d => ((DomainResource)d, (DataType?)d.Medication, d.DosageInstruction.FirstOrDefault(), $"MedicationRequest/{d.Id}")));

        var evidence = new List<EvidenceItem>();
        var total = 0m;
        foreach (var (owner, medication, dosage, reference) in taken.Where(t => where.Admits(t.Owner)))
        {
            var concept = record.Medications.Concept(medication, owner);
            var row = table.Identify(concept) ?? record.Medications.Concepts(medication, owner).Select(table.Identify).FirstOrDefault(r => r is not null);
            var daily = DoseReader.DailyMg(concept, dosage);
            var label = concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? row?.Name ?? valueSet.Title;
            if (row is null || daily is null)
            {
                evidence.Add(new EvidenceItem(reference, label, "daily dose not readable", Note: row is null ? "not in the equivalence table" : "no dose and frequency to read"));
                continue;
            }

            var equivalent = Math.Round(daily.Value * 10m / row.MgEqualTo10MgDiazepam, 1);
            total += equivalent;
            evidence.Add(new EvidenceItem(reference, label, $"{Number(daily.Value)} mg/day ≈ {Number(equivalent)} mg diazepam"));
        }

        var sum = new EvidenceItem(null, "Benzodiazepines, diazepam-equivalent", $"{Number(total)} mg/day");
        return ConditionResult.Of(comparison.Holds(total), [sum, .. evidence],
            () => $"{Number(total)} mg diazepam-equivalent a day {comparison.Describe()}");
    }

    private static string Number(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
