using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: condition</c>: a Condition coded in the value set. <c>status: active</c> (default) takes clinical status
/// active, recurrence or relapse; <c>status: ever</c> also takes inactive, remission and resolved history.
/// Refuted and entered-in-error diagnoses never count. Provisional and differential diagnoses count as tentative
/// evidence: the pack decides how urgent a card resting only on them is (<c>tentativeIndicator</c>). <c>within</c>
/// limits onset (or recorded date, a partial date taken at its latest) to a window; an active diagnosis with no
/// date at all still counts, flagged, because an undated diagnosis may be recent. <c>expiresAfter</c> makes a
/// time-bound state (pregnancy, an acute coronary syndrome) stop counting as active that long after its onset when
/// neither a clinical status nor an abatement says otherwise.
/// </summary>
internal sealed class ConditionFact(ValueSetIndex valueSet, bool everStatus, LookBack? within, FhirPathFilter? where, LookBack? expiresAfter = null)
    : ICondition
{
    private static readonly HashSet<string> ActiveStatuses = ["active", "recurrence", "relapse"];
    private static readonly HashSet<string> ExcludedVerification = ["refuted", "entered-in-error"];
    private static readonly HashSet<string> TentativeVerification = ["provisional", "differential"];

    public ConditionResult Evaluate(IFactContext context)
    {
        var since = within?.Since(context.Now);
        var expiredBefore = expiresAfter?.Since(context.Now);
        List<EvidenceItem>? evidence = null;
        foreach (var condition in context.Record.Index.ConditionsCodedIn(valueSet))
        {
            var coding = context.Record.Index.Match(valueSet, condition.Code);
            if (coding is null || IsExcluded(condition) || !where.Admits(condition))
            {
                continue;
            }

            var clinical = condition.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
            var when = context.Record.Index.TimeOf(condition);
            var expired = clinical is null && condition.Abatement is null && expiredBefore is { } cutOff
                && context.Record.Index.LatestTimeOf(condition) is { } latestOnset && latestOnset < cutOff;
            var isActive = clinical is null ? condition.Abatement is null && !expired : ActiveStatuses.Contains(clinical);
            if (!everStatus && !isActive)
            {
                continue;
            }

            string? note = null;
            if (since is { } start)
            {
                if (when is null)
                {
                    if (!isActive)
                    {
                        continue;
                    }

                    note = "date not recorded";
                }
                else if (context.Record.Index.LatestTimeOf(condition) < start)
                {
                    continue;
                }
            }

            var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
            var tentative = verification is not null && TentativeVerification.Contains(verification);
            note ??= isActive ? null : expired ? $"no status, onset over {expiresAfter!.Describe()} ago" : clinical ?? "abated";
            note = tentative ? (note is null ? verification : $"{verification}; {note}") : note;
            (evidence ??= []).Add(new EvidenceItem($"Condition/{condition.Id}", coding.Display ?? condition.Code?.Text ?? valueSet.Title,
                $"{coding.Code}", when, note, tentative));
        }

        return ConditionResult.Of(evidence is not null, evidence ?? [], () =>
        {
            var scope = (everStatus ? "ever" : "active") + (within is null ? "" : $" within {within.Describe()}");
            return evidence is not null ? $"{valueSet.Title} ({scope}): {evidence.Count} found" : $"no {valueSet.Title} ({scope})";
        });
    }

    private static bool IsExcluded(Condition condition)
    {
        var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        return verification is not null && ExcludedVerification.Contains(verification);
    }
}
