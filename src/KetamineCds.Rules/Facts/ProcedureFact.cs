using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: procedure</c>: a procedure in the value set done or planned within <c>within</c> of today, either side: a
/// Procedure performed (completed, in progress) or being prepared, or a ServiceRequest active or completed whose
/// occurrence falls in the window (or, with no occurrence, authored in the window before today: an order for a course
/// that is about to start). ECT the week before or after an infusion is the use (issue 29). Entered-in-error,
/// not-done, revoked and draft records do not count; a procedure whose date is not recorded does not either.
/// </summary>
internal sealed class ProcedureFact(ValueSetIndex valueSet, LookBack within, FhirPathFilter? where) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var from = within.Since(context.Now);
        var to = context.Now + (context.Now - from);
        bool InWindow(DateTimeOffset? start, DateTimeOffset? end) => start is { } s && s <= to && (end ?? s) >= from;
        List<EvidenceItem>? evidence = null;
        var index = context.Record.Index;

        foreach (var procedure in index.ProceduresCodedIn(valueSet))
        {
            if (procedure.Status is not (EventStatus.Completed or EventStatus.InProgress or EventStatus.Preparation) || !where.Admits(procedure))
            {
                continue;
            }

            var start = FhirTime.Of(procedure.Performed);
            if (InWindow(start, FhirTime.EndOf(procedure.Performed)))
            {
                var coding = index.Match(valueSet, procedure.Code);
                (evidence ??= []).Add(new EvidenceItem($"Procedure/{procedure.Id}", coding?.Display ?? procedure.Code?.Text ?? valueSet.Title,
                    procedure.Status?.ToString()?.ToLowerInvariant(), start, start > context.Now ? "planned" : null));
            }
        }

        foreach (var request in index.ServiceRequestsCodedIn(valueSet))
        {
            if (request.Status is not (RequestStatus.Active or RequestStatus.Completed) || !where.Admits(request))
            {
                continue;
            }

            var occurrence = FhirTime.Of(request.Occurrence);
            var when = occurrence ?? FhirTime.Parse(request.AuthoredOn);
            var inWindow = occurrence is not null ? InWindow(occurrence, FhirTime.EndOf(request.Occurrence)) : when is { } w && w >= from && w <= context.Now;
            if (inWindow)
            {
                var coding = index.Match(valueSet, request.Code);
                (evidence ??= []).Add(new EvidenceItem($"ServiceRequest/{request.Id}", coding?.Display ?? request.Code?.Text ?? valueSet.Title,
                    $"ordered ({request.Status?.ToString()?.ToLowerInvariant()})", when, occurrence is null ? "no date scheduled" : occurrence > context.Now ? "scheduled" : null));
            }
        }

        return ConditionResult.Of(evidence is not null, evidence ?? [], () =>
            evidence is null ? $"no {valueSet.Title} within {within.Describe()} either side of today" : $"{valueSet.Title} within {within.Describe()} of today");
    }
}
