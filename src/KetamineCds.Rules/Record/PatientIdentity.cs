using System.Text.Json;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Whom a resource is about, read from its JSON before it is parsed: <c>Patient.id</c>, or the <c>Patient/{id}</c> its
/// <c>subject</c> (or <c>patient</c>, for AllergyIntolerance, Consent and Immunization) names. CDS Hooks 2.0 §Prefetch:
/// a prefetch value SHALL be what the query returns for the context's patient, so a resource naming another patient is
/// an EHR fault (a cache keyed wrongly, a merge) and must never become advice about this one.
/// </summary>
public static class PatientIdentity
{
    /// <summary>
    /// True only when the resource positively names a patient other than <paramref name="patientId"/>; a resource that
    /// names none (no subject, a <c>urn:uuid:</c> or Group reference) is not judged.
    /// </summary>
    public static bool AboutAnotherPatient(string type, JsonElement resource, string patientId)
    {
        if (type == "Patient")
        {
            return RawFhir.String(resource, "id") is { } id && id != patientId;
        }

        var property = type is "AllergyIntolerance" or "Consent" or "Immunization" ? "patient" : "subject";
        if (!resource.TryGetProperty(property, out var reference) || reference.ValueKind != JsonValueKind.Object
            || RawFhir.String(reference, "reference") is not { } text)
        {
            return false;
        }

        return FhirReference.Local(text) is ("Patient", var named) && named != patientId;
    }
}
