using Hl7.Fhir.Model;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Consent for off-label IV ketamine as a line of the eligibility checklist (issue 29): met when the EHR holds an active
/// consent of that kind in 12 months, not met when the patient declined, unknown when there is none, never a block.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ConsentChecklistTests
{
    private const string Line = "Consent for off-label IV ketamine recorded in the last 12 months";

    [Theory]
    [InlineData(null, null, "❔ **Unknown**")]                                                          // nothing recorded
    [InlineData(Hl7.Fhir.Model.Consent.ConsentState.Active, "2026-09-01", "✅ **Met**")]
    [InlineData(Hl7.Fhir.Model.Consent.ConsentState.Active, "2026-09-01T14:30:00-05:00", "✅ **Met**")]                // a timestamp with its offset
    [InlineData(Hl7.Fhir.Model.Consent.ConsentState.Rejected, "2026-11-20", "❌ **Not met**")]                          // the patient declined
    [InlineData(Hl7.Fhir.Model.Consent.ConsentState.Active, "2025-09-01", "❔ **Unknown**")]                            // older than 12 months (near miss)
    [InlineData(Hl7.Fhir.Model.Consent.ConsentState.Draft, "2026-11-20", "❔ **Unknown**")]                              // not signed yet (near miss)
    public void GivenTheConsentRecord_WhenTheSummaryIsCarded_ThenTheConsentLineSaysWhatIsKnown(Consent.ConsentState? state, string? date, string mark)
    {
        IReadOnlyList<Resource> record = state is { } s ? [Fhir.Patient(), ConsentOf(s, date!)] : [Fhir.Patient()];

        var findings = HookEvaluation.Evaluate(Repository.Pack, "order-select", record, [Fhir.KetamineOrder()], selections: null, Fhir.Now).Findings;

        var summary = Assert.Single(findings, f => f.RuleId == "KET-00-SUMMARY");
        Assert.Contains($"- {mark}: {Line}", summary.Detail, StringComparison.Ordinal);
        // Informs, never blocks: no card of its own, whatever the consent record says.
        Assert.DoesNotContain(findings, f => f.Summary.Contains("consent", StringComparison.OrdinalIgnoreCase) && f.RuleId != "KET-00-SUMMARY");
    }

    private static Consent ConsentOf(Consent.ConsentState state, string date) => new()
    {
        Id = "consent1",
        Status = state,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0", "Patient Consent")],
        DateTime = date,
        Patient = new ResourceReference("Patient/p1"),
    };
}
