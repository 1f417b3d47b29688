using KetamineCds.Api.CdsHooks;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Fills CDS Hooks 2.0 prefetch tokens: root-level context fields and the four user tokens derived from
/// context.userId (spec §Prefetch tokens: P-2, P-4). Values are URL-escaped.
/// </summary>
public static class PrefetchTokens
{
    public static string Substitute(string template, CdsRequest request)
    {
        var (userType, userId) = request.UserId.Split('/') is [var t, var i] ? (t, i) : ("", "");
        return template
            .Replace("{{context.patientId}}", Uri.EscapeDataString(request.PatientId), StringComparison.Ordinal)
            .Replace("{{context.userId}}", Uri.EscapeDataString(request.UserId), StringComparison.Ordinal)
            .Replace("{{context.encounterId}}", Uri.EscapeDataString(request.EncounterId ?? ""), StringComparison.Ordinal)
            .Replace("{{userPractitionerId}}", userType == "Practitioner" ? Uri.EscapeDataString(userId) : "", StringComparison.Ordinal)
            .Replace("{{userPractitionerRoleId}}", userType == "PractitionerRole" ? Uri.EscapeDataString(userId) : "", StringComparison.Ordinal)
            .Replace("{{userPatientId}}", userType == "Patient" ? Uri.EscapeDataString(userId) : "", StringComparison.Ordinal)
            .Replace("{{userRelatedPersonId}}", userType == "RelatedPerson" ? Uri.EscapeDataString(userId) : "", StringComparison.Ordinal);
    }
}
