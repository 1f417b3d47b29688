using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;
using Evidence = KetamineCds.Rules.Conditions.Evidence;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: antidepressantTrials</c>: distinct antidepressant ingredients taken for at least <c>minDays</c> at or
/// above the pack's minimum adequate daily dose, in courses that reach into the <c>within</c> window; compared by
/// <c>count</c>. TRD is "≥2 adequate trials of adequate dose and duration" (esketamine trial definition; McIntyre 2021).
/// Where the record does not give the dose, a trial counts by duration and its evidence says the dose was not
/// verifiable, so the clinician can check it; a dose known to be below the minimum does not count.
/// </summary>
internal sealed class AntidepressantTrialsFact(ValueSetIndex valueSet, AntidepressantDoseTable doses, int minDays, LookBack within, Comparison count) : ICondition
{
    private sealed record Course(string Key, DoseTableRow? Row, string Label, DateTimeOffset Start, DateTimeOffset End, decimal? DailyMg, string Reference);

    // Equal parameters, equal answer: the value set and dose table by reference, the rest by value.
    private readonly (ValueSetIndex, AntidepressantDoseTable, int, string, string) _key = (valueSet, doses, minDays, within.Describe(), count.Describe());

    public ConditionResult Evaluate(IFactContext context) => context.Once(_key, EvaluateOnce);

    private ConditionResult EvaluateOnce(IFactContext context)
    {
        var courses = new List<Course>();
        var record = context.Record;
        foreach (var request in record.MedicationRequests)
        {
            var start = FhirTime.Parse(request.AuthoredOn) ?? FhirTime.Parse(request.DispenseRequest?.ValidityPeriod?.Start);
            if (start is null || request.Status is MedicationRequest.MedicationrequestStatus.EnteredInError or MedicationRequest.MedicationrequestStatus.Draft)
            {
                continue;
            }

            var end = FhirTime.Parse(request.DispenseRequest?.ValidityPeriod?.End)
                ?? SupplyEnd(start.Value, request.DispenseRequest?.ExpectedSupplyDuration)
                ?? (request.Status is MedicationRequest.MedicationrequestStatus.Active ? context.Now : start.Value);
            Add(courses, context, request.Medication, request, start.Value, end, request.DosageInstruction.FirstOrDefault(), $"MedicationRequest/{request.Id}");
        }

        foreach (var statement in record.MedicationStatements)
        {
            var start = FhirTime.Of(statement.Effective);
            if (start is null || statement.Status is MedicationStatement.MedicationStatusCodes.EnteredInError or MedicationStatement.MedicationStatusCodes.NotTaken)
            {
                continue;
            }

            var end = FhirTime.EndOf(statement.Effective)
                ?? (statement.Status is MedicationStatement.MedicationStatusCodes.Active ? context.Now : start.Value);
            Add(courses, context, statement.Medication, statement, start.Value, end, statement.Dosage.FirstOrDefault(), $"MedicationStatement/{statement.Id}");
        }

        foreach (var dispense in record.MedicationDispenses)
        {
            var start = FhirTime.Parse(dispense.WhenHandedOver) ?? FhirTime.Parse(dispense.WhenPrepared);
            if (start is null || dispense.Status is MedicationDispense.MedicationDispenseStatusCodes.EnteredInError)
            {
                continue;
            }

            var end = SupplyEnd(start.Value, dispense.DaysSupply) ?? start.Value;
            Add(courses, context, dispense.Medication, dispense, start.Value, end, dispense.DosageInstruction.FirstOrDefault(), $"MedicationDispense/{dispense.Id}");
        }

        var since = within.Since(context.Now);
        var trials = new List<Evidence>();
        var shortfalls = new List<Evidence>();
        foreach (var group in courses.GroupBy(c => c.Key))
        {
            var start = group.Min(c => c.Start);
            var end = group.Max(c => c.End);
            if (end < since)
            {
                continue;
            }

            var days = (int)(end - start).TotalDays;
            var row = group.First().Row;
            var knownDoses = group.Where(c => c.DailyMg is not null).Select(c => c.DailyMg!.Value).ToList();
            var maxDose = knownDoses.Count > 0 ? knownDoses.Max() : (decimal?)null;
            var label = row?.Name ?? group.First().Label;
            var value = $"{days} days" + (maxDose is { } d ? $", {d.ToString("0.##", CultureInfo.InvariantCulture)} mg/day" : "");
            string? note;
            bool adequateDose;
            if (row is null)
            {
                (adequateDose, note) = (true, "ingredient not in the dose table; dose not verifiable");
            }
            else if (maxDose is null)
            {
                (adequateDose, note) = (true, $"dose not verifiable from the record; adequate is ≥{row.MinDailyMg} mg/day");
            }
            else
            {
                adequateDose = maxDose >= row.MinDailyMg;
                note = adequateDose ? null : $"below the adequate dose of {row.MinDailyMg} mg/day";
            }

            var evidence = new Evidence(group.First().Reference, $"Antidepressant trial: {label}", value, start,
                note is null ? $"until {end:yyyy-MM-dd}" : $"until {end:yyyy-MM-dd}; {note}");
            (adequateDose && days >= minDays ? trials : shortfalls).Add(days >= minDays ? evidence : evidence with { Note = $"{evidence.Note}; shorter than {minDays} days" });
        }

        var holds = count.Holds(trials.Count);
        return ConditionResult.Of(holds, [.. trials, .. shortfalls],
            $"{trials.Count} adequate antidepressant trial(s) (≥{minDays} days, adequate dose) in the last {within.Describe()} {count.Describe()}");
    }

    private void Add(List<Course> courses, IFactContext context, DataType? medication, DomainResource owner,
        DateTimeOffset start, DateTimeOffset end, Dosage? dosage, string reference)
    {
        var concept = context.Record.MedicationConcept(medication, owner);
        var ingredients = context.Record.MedicationIngredients(medication, owner).ToList();
        var inSet = valueSet.Match(concept) is not null || ingredients.Any(i => valueSet.Match(i) is not null);
        var row = doses.Identify(concept) ?? ingredients.Select(doses.Identify).FirstOrDefault(r => r is not null);
        if (!inSet && row is null)
        {
            return;
        }

        var label = concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? "antidepressant";
        courses.Add(new Course(row?.RxNorm ?? label.ToLowerInvariant(), row, label, start, end < start ? start : end,
            DailyDoseMg(concept, dosage), reference));
    }

    /// <summary>Daily dose in mg from the dosage: dose (mg, or units × strength from the drug name) × times per day.</summary>
    internal static decimal? DailyDoseMg(CodeableConcept? concept, Dosage? dosage)
    {
        var dose = dosage?.DoseAndRate.FirstOrDefault()?.Dose as Quantity;
        if (dose?.Value is null)
        {
            return null;
        }

        decimal perDose;
        if (Ucum.TryConvert(dose.Value.Value, dose.Code ?? dose.Unit, "mg", out var mg))
        {
            perDose = mg;
        }
        else if (AntidepressantDoseTable.StrengthMg(concept) is { } strength)
        {
            perDose = dose.Value.Value * strength;
        }
        else
        {
            return null;
        }

        var repeat = dosage!.Timing?.Repeat;
        var frequency = repeat?.Frequency ?? 1;
        var period = repeat?.Period ?? 1m;
        var perDay = repeat?.PeriodUnit switch
        {
            Timing.UnitsOfTime.H => 24m / period,
            Timing.UnitsOfTime.Wk => 1m / (7m * period),
            null or Timing.UnitsOfTime.D => 1m / period,
            _ => (decimal?)null,
        };
        return perDay is null ? null : perDose * frequency * perDay;
    }

    private static DateTimeOffset? SupplyEnd(DateTimeOffset start, Quantity? supply)
    {
        if (supply?.Value is not { } amount)
        {
            return null;
        }

        return (supply.Code ?? supply.Unit)?.ToLowerInvariant() switch
        {
            "d" or "day" or "days" => start.AddDays((double)amount),
            "wk" or "week" or "weeks" => start.AddDays(7 * (double)amount),
            "mo" or "month" or "months" => start.AddDays(30 * (double)amount),
            _ => null,
        };
    }
}
