using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: consent</c>: a FHIR Consent whose category is in the value set, dated within <c>within</c>. Active: true.
/// Rejected (the patient declined): false. None in the record: unknown, never "no consent", because consent for an
/// off-label treatment is as often a scanned form the EHR does not code; the checklist then says to check the chart.
/// Made for a checklist line, which informs and never blocks.
/// </summary>
internal sealed class ConsentFact(ValueSetIndex valueSet, LookBack within) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var since = within.Since(context.Now);
        var found = context.Record.Consents
            .Select(c => (Consent: c, Coding: c.Category.Select(category => context.Record.Index.Match(valueSet, category)).FirstOrDefault(m => m is not null),
                When: FhirTime.Parse(c.DateTime)))
            .Where(c => c.Coding is not null && c.When >= since && c.When <= context.Now.AddDays(1))
            .OrderByDescending(c => c.When)
            .ToList();
        var active = found.FirstOrDefault(c => c.Consent.Status == Consent.ConsentState.Active);
        if (active.Consent is not null)
        {
            return ConditionResult.Of(true, [Evidence(active.Consent, active.Coding!, active.When, "active")],
                () => $"{valueSet.Title} recorded {active.When:yyyy-MM-dd}");
        }

        var declined = found.FirstOrDefault(c => c.Consent.Status == Consent.ConsentState.Rejected);
        if (declined.Consent is not null)
        {
            return ConditionResult.Of(false, [Evidence(declined.Consent, declined.Coding!, declined.When, "declined")],
                () => $"{valueSet.Title} declined {declined.When:yyyy-MM-dd}");
        }

        return ConditionResult.Unknown($"no {valueSet.Title} in the last {within.Describe()} in the EHR's consent records: check the chart", []);
    }

    private static EvidenceItem Evidence(Consent consent, Coding coding, DateTimeOffset? when, string state) =>
        new($"Consent/{consent.Id}", coding.Display ?? "Consent", state, when);
}
