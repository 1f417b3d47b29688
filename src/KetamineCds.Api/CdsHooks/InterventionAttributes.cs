using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// The source attributes ONC HTI-1 asks a certified EHR to make available for each evidence-based decision support
/// intervention (45 CFR 170.315(b)(11)(iv)(A)): bibliographic citation, developer, funding source, release and revision
/// dates, and whether it uses demographic or health status assessment data. Discovery carries them as a service
/// extension (CDS Hooks 2.0 §Extensions) so the EHR can show them beside the service; the install sheet prints them;
/// each rule's public page (<c>rules/{id}</c>, relative to the service) gives the rest.
/// </summary>
public sealed record InterventionAttributes(
    string Pack,
    string ContentHash,
    string Developer,
    string? Contact,
    string? FundingSource,
    string? Released,
    string? Revised,
    string? SignedOffBy,
    string? SignedOffOn,
    IReadOnlyList<InterventionAttributes.Rule> Interventions)
{
    /// <summary>The discovery extension key (reverse-domain, spec §Extensions).</summary>
    public const string ExtensionKey = "org.ketaminecds.hti1-source-attributes";

    /// <summary>One rule: an intervention the clinician sees as a card.</summary>
    public sealed record Rule(string Id, string Version, string Title, string Page, IReadOnlyList<string> Citations, string Revised,
        IReadOnlyList<string> DataElements);

    /// <summary>The attributes of a pack's active rules.</summary>
    public static InterventionAttributes For(CompiledPack pack)
    {
        var rules = pack.Rules.Where(r => r.IsActive).Select(r => pack.Details[r.Id]).ToList();
        var intervention = pack.Intervention;
        return new InterventionAttributes(pack.Label, pack.ContentHash, intervention?.Developer ?? pack.Name, intervention?.Contact,
            intervention?.FundingSource, intervention?.Released, rules.Select(r => r.LastReviewed).DefaultIfEmpty().Max(StringComparer.Ordinal),
            intervention?.SignedOffBy, intervention?.SignedOffOn,
            [.. rules.Select(r => new Rule(r.RuleId, r.Version, r.Title, RulePagePath(r.RuleId), [.. r.Evidence.Select(e => e.Citation)], r.LastReviewed,
                r.DataElements))]);
    }

    /// <summary>A rule's public page, relative to the service's base URL.</summary>
    public static string RulePagePath(string ruleId) => $"rules/{Uri.EscapeDataString(ruleId)}";
}
