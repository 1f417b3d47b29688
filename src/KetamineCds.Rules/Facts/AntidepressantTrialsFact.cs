using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: antidepressantTrials</c>: distinct antidepressant ingredients taken continuously for at least
/// <c>minDays</c> at or above the pack's minimum adequate daily dose, in courses that reach into the <c>within</c>
/// window; compared by <c>count</c>. TRD is "≥2 adequate trials of adequate dose and duration" (esketamine trial
/// definition; McIntyre 2021), and a trial is counted only where the record shows it:
/// <list type="bullet">
/// <item>what was not taken does not count: cancelled, entered-in-error and draft orders, proposals and plans,
/// statements "not taken" or only "intended", dispenses that were not completed;</item>
/// <item>courses end no later than today, and repeated orders (or dispenses) of one ingredient, whatever their
/// strength, merge into one course when the pause between them is at most <c>gap</c>;</item>
/// <item>a trial is the longest continuous course at or above the adequate dose; a dose the record does not state,
/// or an ingredient the dose table does not know, makes the trial "not demonstrated", with the evidence saying why.</item>
/// </list>
/// </summary>
internal sealed class AntidepressantTrialsFact(ValueSetIndex valueSet, AntidepressantDoseTable doses, int minDays, LookBack within, Comparison count,
    LookBack? gap = null, MedicationActivity? activity = null) : ICondition
{
    private sealed record Course(string Key, DoseTableRow? Row, string Label, DateTimeOffset Start, DateTimeOffset End, decimal? DailyMg, string Reference);

    // Equal parameters, equal answer: the value set and dose table by reference, the rest by value.
    private readonly MedicationActivity _activity = activity ?? MedicationActivity.Default;

    private readonly (ValueSetIndex, AntidepressantDoseTable, int, string, string, string) _key =
        (valueSet, doses, minDays, within.Describe(), count.Describe(), gap?.Describe() ?? "0d");

    public ConditionResult Evaluate(IFactContext context) => context.Once(_key, EvaluateOnce);

    private ConditionResult EvaluateOnce(IFactContext context)
    {
        var courses = new List<Course>();
        var record = context.Record;
        foreach (var request in record.MedicationRequests)
        {
            var start = FhirTime.Parse(request.AuthoredOn) ?? FhirTime.Parse(request.DispenseRequest?.ValidityPeriod?.Start);
            if (start is null || !WasPrescribed(request))
            {
                continue;
            }

            var end = FhirTime.Parse(request.DispenseRequest?.ValidityPeriod?.End)
                ?? MedicationActivity.SupplyEndOf(start.Value, request.DispenseRequest?.ExpectedSupplyDuration)
                ?? (request.Status is MedicationRequest.MedicationrequestStatus.Active ? context.Now : start.Value);
            Add(courses, context, request.Medication, request, start.Value, end, request.DosageInstruction.FirstOrDefault(), $"MedicationRequest/{request.Id}");
        }

        foreach (var statement in record.MedicationStatements)
        {
            var start = FhirTime.Of(statement.Effective);
            if (start is null || statement.Status is MedicationStatement.MedicationStatusCodes.EnteredInError or MedicationStatement.MedicationStatusCodes.NotTaken
                or MedicationStatement.MedicationStatusCodes.Intended or MedicationStatement.MedicationStatusCodes.Unknown)
            {
                continue;
            }

            var end = FhirTime.EndOf(statement.Effective)
                ?? (statement.Status is MedicationStatement.MedicationStatusCodes.Active ? context.Now : start.Value);
            Add(courses, context, statement.Medication, statement, start.Value, end, statement.Dosage.FirstOrDefault(), $"MedicationStatement/{statement.Id}");
        }

        foreach (var dispense in record.MedicationDispenses)
        {
            // A completed dispense is evidence of possession: the patient had the tablets for its days' supply.
            var start = FhirTime.Parse(dispense.WhenHandedOver) ?? FhirTime.Parse(dispense.WhenPrepared);
            if (start is null || dispense.Status is not MedicationDispense.MedicationDispenseStatusCodes.Completed)
            {
                continue;
            }

            var end = _activity.SupplyEnd(start.Value, dispense.DaysSupply);
            Add(courses, context, dispense.Medication, dispense, start.Value, end, dispense.DosageInstruction.FirstOrDefault(), $"MedicationDispense/{dispense.Id}",
                dispense);
        }

        var since = within.Since(context.Now);
        var pause = gap is null ? TimeSpan.Zero : context.Now - gap.Since(context.Now);
        var trials = new List<EvidenceItem>();
        var shortfalls = new List<EvidenceItem>();
        foreach (var group in courses.Where(c => c.Start <= context.Now).GroupBy(c => c.Key))
        {
            if (group.Max(c => c.End) < since)
            {
                continue;
            }

            var row = group.First().Row;
            var label = row?.Name ?? group.First().Label;
            var adequate = row is null ? [] : group.Where(c => c.DailyMg >= row.MinDailyMg).ToList();
            var best = Longest(Runs(adequate, pause).Where(r => r.End >= since));
            var bestDays = best is null ? 0 : (int)(best.Value.End - best.Value.Start).TotalDays;
            if (best is { } run && bestDays >= minDays)
            {
                var dose = adequate.Where(c => c.Start < run.End && c.End > run.Start).Max(c => c.DailyMg)!.Value;
                trials.Add(new EvidenceItem(group.First().Reference, $"Antidepressant trial: {label}",
                    $"{bestDays} days, {dose.ToString("0.##", CultureInfo.InvariantCulture)} mg/day", run.Start,
                    $"until {run.End:yyyy-MM-dd}; {group.Count()} record(s)"));
                continue;
            }

            var whole = Longest(Runs(group.ToList(), pause));
            var days = whole is { } w ? (int)(w.End - w.Start).TotalDays : 0;
            var known = group.Where(c => c.DailyMg is not null).Select(c => c.DailyMg!.Value).ToList();
            var why = row is null ? "ingredient not in the dose table: adequate dose unknown, trial not demonstrated"
                : known.Count == 0 ? $"dose not stated in the record: trial not demonstrated (adequate is ≥{row.MinDailyMg} mg/day)"
                : adequate.Count == 0 ? $"below the adequate dose of {row.MinDailyMg} mg/day"
                : $"{bestDays} days continuous at an adequate dose, shorter than {minDays} days";
            shortfalls.Add(new EvidenceItem(group.First().Reference, $"Antidepressant trial: {label}",
                $"{days} days" + (known.Count > 0 ? $", {known.Max().ToString("0.##", CultureInfo.InvariantCulture)} mg/day" : ""),
                whole?.Start, $"until {whole?.End:yyyy-MM-dd}; {why}"));
        }

        var holds = count.Holds(trials.Count);
        return ConditionResult.Of(holds, [.. trials, .. shortfalls],
            $"{trials.Count} adequate antidepressant trial(s) (≥{minDays} continuous days at an adequate dose) in the last {within.Describe()} {count.Describe()}");
    }

    /// <summary>Orders that mean the drug was prescribed to be taken: not cancelled, drafted, proposed or planned.</summary>
    private static bool WasPrescribed(MedicationRequest request) =>
        request.Status is not (MedicationRequest.MedicationrequestStatus.EnteredInError or MedicationRequest.MedicationrequestStatus.Draft
            or MedicationRequest.MedicationrequestStatus.Cancelled)
        && request.Intent is not (MedicationRequest.MedicationRequestIntent.Proposal or MedicationRequest.MedicationRequestIntent.Plan
            or MedicationRequest.MedicationRequestIntent.Option);

    private static (DateTimeOffset Start, DateTimeOffset End)? Longest(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> runs) =>
        runs.Select(r => ((DateTimeOffset Start, DateTimeOffset End)?)r).MaxBy(r => r!.Value.End - r.Value.Start);

    /// <summary>Courses merged into continuous runs: a pause of at most <paramref name="pause"/> keeps a run going.</summary>
    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Runs(List<Course> courses, TimeSpan pause)
    {
        (DateTimeOffset Start, DateTimeOffset End)? current = null;
        foreach (var course in courses.OrderBy(c => c.Start))
        {
            if (current is { } run && course.Start - run.End <= pause)
            {
                current = (run.Start, course.End > run.End ? course.End : run.End);
                continue;
            }

            if (current is { } finished)
            {
                yield return finished;
            }

            current = (course.Start, course.End);
        }

        if (current is { } last)
        {
            yield return last;
        }
    }

    private void Add(List<Course> courses, IFactContext context, DataType? medication, DomainResource owner,
        DateTimeOffset start, DateTimeOffset end, Dosage? dosage, string reference, MedicationDispense? dispense = null)
    {
        // A reference nobody can follow is still named by its display ("sertraline 100 MG Oral Tablet").
        var concept = context.Record.Medications.Concept(medication, owner) ?? context.Record.Medications.NamedOnly(medication, owner);
        var ingredients = context.Record.Medications.Ingredients(medication, owner).ToList();
        var inSet = valueSet.Match(concept) is not null || ingredients.Any(i => valueSet.Match(i) is not null);
        var row = doses.Identify(concept) ?? ingredients.Select(doses.Identify).FirstOrDefault(r => r is not null);
        if (!inSet && row is null)
        {
            return;
        }

        var label = concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? "antidepressant";
        // A course ends no later than today: an order "active" for a year from last week is not a year of treatment.
        var until = end > context.Now ? context.Now : end;
        courses.Add(new Course(row?.RxNorm ?? label.ToLowerInvariant(), row, label, start, until < start ? start : until,
            DoseReader.DailyMg(concept, dosage)
            // A fill without a structured dose: what was handed over, spread over the days it was meant to last.
            ?? (dispense is null ? null : DoseReader.DispensedDailyMg(concept, dispense.Quantity, dispense.DaysSupply)), reference));
    }
}
