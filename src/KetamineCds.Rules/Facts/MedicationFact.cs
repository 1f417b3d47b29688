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
}

/// <summary>
/// <c>fact: medication</c>: medications coded in the value set (directly, through <c>medicationReference</c>, or by
/// the ingredients of the referenced Medication). Without <c>within</c> it means "active now" (request active or
/// on-hold; statement active or intended); with <c>within</c> it means "active or started in the window".
/// Other draft orders of the same ordering session count too: a benzodiazepine drafted beside the ketamine matters.
/// </summary>
internal sealed class MedicationFact(ValueSetIndex valueSet, LookBack? within, Comparison? count, MedicationSource source, FhirPathFilter? where) : ICondition
{
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

            foreach (var draft in context.Hook.DraftOrders)
            {
                if (!context.KetamineOrders.Contains(draft) && Matches(context, draft.Medication, draft, out var label) && where.Admits(draft))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationRequest/{draft.Id}", label, "draft order in this session"));
                }
            }
        }

        if (since is not null || source == MedicationSource.Administrations)
        {
            foreach (var administration in record.Index.MedicationAdministrationsCodedIn(valueSet))
            {
                var when = FhirTime.Of(administration.Effective);
                if (administration.Status is MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError
                    or MedicationAdministration.MedicationAdministrationStatusCodes.NotDone)
                {
                    continue;
                }

                if ((since is null || when >= since) && Matches(context, administration.Medication, administration, out var label) && where.Admits(administration))
                {
                    (evidence ??= []).Add(new EvidenceItem($"MedicationAdministration/{administration.Id}", label, "administered", when));
                }
            }
        }

        var found = evidence?.Count ?? 0;
        var holds = count?.Holds(found) ?? found > 0;
        return ConditionResult.Of(holds, evidence ?? [], () =>
            $"{found} {valueSet.Title} {(within is null ? "active" : $"in the last {within.Describe()}")}" + (count is null ? "" : $" {count.Describe()}"));
    }

    private bool Matches(IFactContext context, DataType? medication, DomainResource owner, out string label)
    {
        var concept = context.Record.Medications.Concept(medication, owner);
        var coding = context.Record.Medications.Match(valueSet, medication, owner, context.Record.Index);
        label = coding?.Display ?? concept?.Text ?? coding?.Code ?? "";
        return coding is not null;
    }
}
