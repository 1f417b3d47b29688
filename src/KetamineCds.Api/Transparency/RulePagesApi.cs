using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.RulePack;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.Transparency;

/// <summary>
/// <c>GET /rules/{id}</c>: each rule's public page, which every card's <c>source.url</c> links to (FDA 2022 CDS
/// guidance criterion 4: the clinician can review the basis of the advice; ONC HTI-1 source attributes). Open to
/// anyone: it describes the live pack, never a patient. HTML for a browser, JSON when asked for.
/// </summary>
public static class RulePagesApi
{
    public static IResult Rule(string id, HttpContext context, RulePackProvider packs)
    {
        var pack = packs.Current;
        if (!pack.Details.TryGetValue(id, out var rule))
        {
            return OperationOutcomes.Result(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, "No rule of the live pack has this id; see GET /rules.");
        }

        if (WantsJson(context.Request))
        {
            return Results.Json(rule);
        }

        context.Response.Headers.ContentSecurityPolicy = RulePage.SecurityPolicy;
        return Results.Content(RulePage.Html(rule, pack), "text/html; charset=utf-8");
    }

    /// <summary><c>GET /rules</c>: the live pack's rules, each with its page.</summary>
    public static IResult Index(RulePackProvider packs) =>
        Results.Json(packs.Current.Rules.Where(r => r.IsActive).Select(r => packs.Current.Details[r.Id])
            .Select(d => new RuleEntry(d.RuleId, d.Version, d.Title, d.Category, d.Indicator, CdsHooks.InterventionAttributes.RulePagePath(d.RuleId))));

    public sealed record RuleEntry(string Id, string Version, string Title, string Category, string Indicator, string Page);

    private static bool WantsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Value is "application/json" or "application/fhir+json")
        && !request.GetTypedHeaders().Accept.Any(a => a.MediaType.Value == "text/html");
}
