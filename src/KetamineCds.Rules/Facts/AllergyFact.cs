using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: allergy</c>: an allergy or intolerance to a substance in the value set (the allergy's code or a reaction's
/// substance). Refuted and entered-in-error records, and resolved or inactive ones, do not count.
/// </summary>
internal sealed class AllergyFact(ValueSetIndex valueSet, FhirPathFilter? where) : ICondition
{
    private static readonly HashSet<string> ExcludedVerification = ["refuted", "entered-in-error"];
    private static readonly HashSet<string> ExcludedClinical = ["inactive", "resolved"];

    public ConditionResult Evaluate(IFactContext context)
    {
        List<EvidenceItem>? evidence = null;
        foreach (var allergy in context.Record.Allergies)
        {
            var verification = allergy.VerificationStatus?.Coding.FirstOrDefault()?.Code;
            var clinical = allergy.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
            if ((verification is not null && ExcludedVerification.Contains(verification))
                || (clinical is not null && ExcludedClinical.Contains(clinical)) || !where.Admits(allergy))
            {
                continue;
            }

            var coding = valueSet.Match(allergy.Code) ?? allergy.Reaction.Select(r => valueSet.Match(r.Substance)).FirstOrDefault(c => c is not null);
            if (coding is not null)
            {
                var reaction = allergy.Reaction.SelectMany(r => r.Manifestation).Select(m => m.Text ?? m.Coding.FirstOrDefault()?.Display).FirstOrDefault(t => t is not null);
                // An intolerance (not immune-mediated) or an unconfirmed allergy is tentative: the pack sets its urgency.
                var intolerance = allergy.Type == AllergyIntolerance.AllergyIntoleranceType.Intolerance;
                var tentative = intolerance || verification == "unconfirmed";
                var note = reaction is null ? verification : $"reaction: {reaction}";
                note = intolerance ? (note is null ? "intolerance" : $"intolerance; {note}") : note;
                (evidence ??= []).Add(new EvidenceItem($"AllergyIntolerance/{allergy.Id}", coding.Display ?? allergy.Code?.Text ?? valueSet.Title,
                    allergy.Criticality?.ToString()?.ToLowerInvariant() is { } criticality ? $"criticality {criticality}" : null,
                    FhirTime.Parse(allergy.RecordedDate), note, tentative));
            }
        }

        return ConditionResult.Of(evidence is not null, evidence ?? [], () =>
            evidence is not null ? $"{evidence.Count} allergy record(s) to {valueSet.Title}" : $"no allergy to {valueSet.Title}");
    }
}
