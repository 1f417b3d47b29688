using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>Which medication resources a medication fact reads.</summary>
internal enum MedicationSource
{
    /// <summary>Requests, statements and, inside a window, administrations; plus other draft orders of this session.</summary>
    All,
    /// <summary>Administrations only: how often a drug was actually given.</summary>
    Administrations,
    /// <summary>
    /// Sessions: the days on which a drug was given (a MAR that charts a new bag or a rate change as a second
    /// administration still records one session), plus today's session when the order being signed is for it.
    /// </summary>
    Sessions,
}

/// <summary>
/// <c>fact: medication</c>: medications in the value set, whichever shape names them (a code, a contained or referenced
/// Medication or its ingredients, or the name a dangling reference gives). Without <c>within</c> it means "taken now":
/// a request active or on hold, a statement active or intended, a completed pharmacy dispense whose days' supply (or the
/// pack's default) reaches today, an administration within the pack's <c>administeredWithin</c>. With <c>within</c>
/// it means "active, started, dispensed or given in the window". Other draft orders of the same ordering session count
/// too: a benzodiazepine drafted beside the ketamine matters.
/// </summary>
internal sealed class MedicationFact(ValueSetIndex valueSet, LookBack? within, Comparison? count, MedicationSource source, FhirPathFilter? where,
    MedicationActivity? activity = null) : ICondition
{
    private readonly MedicationActivity _activity = activity ?? MedicationActivity.Default;

    public ConditionResult Evaluate(IFactContext context)
    {
        var since = within?.Since(context.Now);
        var record = context.Record;
        List<EvidenceItem>? evidence = null;

        if (source == MedicationSource.All)
        {
            foreach (var request in record.Index.MedicationRequestsCodedIn(valueSet))
            {
                var active = request.Status is MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.OnHold;
                var when = FhirTime.Parse(request.AuthoredOn);
                var recent = since is { } s && when >= s && request.Status is not (MedicationRequest.MedicationrequestStatus.EnteredInError
                    or MedicationRequest.MedicationrequestStatus.Cancelled or MedicationRequest.MedicationrequestStatus.Draft);
                if ((active || recent) && Matches(context, request.Medication, request, out var label) && where.Admits(request))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationRequest/{request.Id}", label, request.Status?.ToString()?.ToLowerInvariant(), when));
                }
            }

            foreach (var statement in record.Index.MedicationStatementsCodedIn(valueSet))
            {
                var active = statement.Status is MedicationStatement.MedicationStatusCodes.Active or MedicationStatement.MedicationStatusCodes.Intended;
                var when = FhirTime.Of(statement.Effective) ?? FhirTime.Parse(statement.DateAsserted);
                var end = FhirTime.EndOf(statement.Effective);
                var recent = since is { } s && (when >= s || end >= s) && statement.Status is not MedicationStatement.MedicationStatusCodes.EnteredInError;
                if ((active || recent) && Matches(context, statement.Medication, statement, out var label) && where.Admits(statement))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationStatement/{statement.Id}", label, statement.Status?.ToString()?.ToLowerInvariant(), when));
                }
            }

            foreach (var dispense in record.Index.MedicationDispensesCodedIn(valueSet))
            {
                // A completed fill is evidence of possession for its days' supply: often the only trace of a drug
                // prescribed elsewhere (an outside pharmacy's record).
                var handedOver = FhirTime.Parse(dispense.WhenHandedOver) ?? FhirTime.Parse(dispense.WhenPrepared);
                if (handedOver is not { } start || dispense.Status is not MedicationDispense.MedicationDispenseStatusCodes.Completed || start > context.Now)
                {
                    continue;
                }

                var end = _activity.SupplyEnd(start, dispense.DaysSupply);
                var taken = since is { } s ? end >= s : end >= context.Now;
                if (taken && Matches(context, dispense.Medication, dispense, out var label) && where.Admits(dispense))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationDispense/{dispense.Id}", label, "dispensed", start,
                        $"supply to {end:yyyy-MM-dd}{(dispense.DaysSupply is null ? " (days' supply not stated)" : "")}"));
                }
            }

            foreach (var draft in context.Hook.DraftOrders)
            {
                if (!context.KetamineOrders.Contains(draft) && Matches(context, draft.Medication, draft, out var label) && where.Admits(draft))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationRequest/{draft.Id}", label, "draft order in this session"));
                }
            }
        }

        // Without a window, an administration counts as current treatment for the pack's administeredWithin.
        var givenSince = since ?? (source == MedicationSource.All ? _activity.AdministeredWithin.Since(context.Now) : null);
        foreach (var administration in record.Index.MedicationAdministrationsCodedIn(valueSet))
        {
            var when = FhirTime.Of(administration.Effective);
            if (administration.Status is MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError
                or MedicationAdministration.MedicationAdministrationStatusCodes.NotDone)
            {
                continue;
            }

            var latest = FhirTime.EndOf(administration.Effective) ?? when;
            if ((givenSince is null || latest >= givenSince) && (when is null || when <= context.Now.AddDays(1))
                && Matches(context, administration.Medication, administration, out var label) && where.Admits(administration))
            {
                (evidence ??= []).Add(new EvidenceItem($"MedicationAdministration/{administration.Id}", label, "administered", when));
            }
        }

        if (source == MedicationSource.Sessions)
        {
            evidence = Sessions(context, evidence ?? [], since);
        }

        var found = evidence?.Count ?? 0;
        var holds = count?.Holds(found) ?? found > 0;
        return ConditionResult.Of(holds, evidence ?? [], () =>
            $"{found} {valueSet.Title} {(within is null ? "active" : $"in the last {within.Describe()}")}" + (count is null ? "" : $" {count.Describe()}"));
    }

    // One evidence line per day given, dated, with the administrations of that day; the draft order adds today. Days are
    // read in each record's own offset, as the MAR charted them. A window of N days is N calendar days ending today: 7d
    // is this day of last week's morrow to today, so a Monday/Wednesday/Friday induction is 3 sessions on the next
    // Monday (Murrough 2013: three a week), not 4 because last Monday is 7 days back to the hour.
    private List<EvidenceItem> Sessions(IFactContext context, List<EvidenceItem> administrations, DateTimeOffset? since)
    {
        var firstDay = since is { } start ? DateOnly.FromDateTime(start.Date).AddDays(1) : DateOnly.MinValue;
        var sessions = administrations.Where(a => a.Date is not null && DateOnly.FromDateTime(a.Date!.Value.Date) >= firstDay)
            .GroupBy(a => DateOnly.FromDateTime(a.Date!.Value.Date)).OrderBy(g => g.Key)
            .Select(day => new EvidenceItem(day.First().Reference, $"{day.First().Label} session", day.Count() == 1 ? "administered" : $"{day.Count()} administrations, one session",
                day.First().Date, day.Count() == 1 ? null : "charted more than once on one day"))
            .ToList();
        var today = DateOnly.FromDateTime(context.Now.Date);
        var ordered = context.KetamineOrders.FirstOrDefault(order => Matches(context, order.Medication, order, out _));
        if (ordered is not null && !sessions.Any(s => DateOnly.FromDateTime(s.Date!.Value.Date) == today))
        {
            sessions.Add(new EvidenceItem($"MedicationRequest/{ordered.Id}", "Ketamine session being ordered", "draft order in this session", context.Now));
        }

        return sessions;
    }

    private bool Matches(IFactContext context, DataType? medication, DomainResource owner, out string label)
    {
        var concept = context.Record.Medications.Concept(medication, owner) ?? context.Record.Medications.NamedOnly(medication, owner);
        var coding = context.Record.Medications.Match(valueSet, medication, owner, context.Record.Index);
        label = coding?.Display ?? concept?.Text ?? coding?.Code ?? "";
        return coding is not null;
    }
}
