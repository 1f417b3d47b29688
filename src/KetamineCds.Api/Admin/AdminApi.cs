using Hl7.Fhir.Model;
using KetamineCds.Api.Infrastructure;
using KetamineCds.Api.Preview;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Facts;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Endpoints for clinical admins, behind the admin credential: the live pack and reload status, a reload on demand,
/// the card preview (page and JSON), and rule statistics.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").WithTags("Admin").AddEndpointFilter(AdminAuthorization.RequireAdmin);
        group.MapGet("/statistics", StatisticsAsync).WithName("RuleStatistics")
            .WithSummary("Per rule: cards issued, accepted, overridden, override rate, top override reasons, since a look-back (e.g. 30d)")
            .Produces<IReadOnlyList<RuleStatistics>>();
        group.MapGet("/rules", RulePackAdmin.Status).WithName("RulePackStatus")
            .WithSummary("The live rule pack (name, version, hash, load time, every rule) and the last reload attempt with its errors");
        group.MapPost("/rules/reload", RulePackAdmin.Reload).WithName("ReloadRulePack")
            .WithSummary("Validate the rule folder and its tests now; swap it in if it passes (422 with every error if not)");
        group.MapGet("/preview/examples", PreviewApi.Examples).WithName("PreviewExamples")
            .WithSummary("The bundled example patients the preview offers");
        group.MapPost("/preview", PreviewApi.PreviewAsync).WithName("PreviewCards")
            .WithSummary("Cards and the trace of every rule for an example patient or a FHIR Bundle, at a chosen date")
            .Accepts<PreviewRequestDocument>("application/json")
            .Produces<PreviewResponse>();
        group.MapGet("/", (HttpContext context) => PreviewApi.Asset("", context)).ExcludeFromDescription();
        group.MapGet("/{file}", (string file, HttpContext context) => PreviewApi.Asset(file, context)).ExcludeFromDescription();
        return app;
    }

    public static async Task<IResult> StatisticsAsync(string? since, ICdsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        // The same look-back notation as the rule files' "within".
        if (LookBack.Parse(since ?? "30d")?.Since(time.GetUtcNow()) is not { } from)
        {
            return OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, "since must be a look-back such as 7d, 12w or 6mo.");
        }

        try
        {
            return Results.Json(await store.RuleStatisticsAsync(from, cancellationToken));
        }
        catch (StoreUnavailableException)
        {
            return OperationOutcomes.Result(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient, "The store is unavailable.");
        }
    }
}

/// <summary>The preview request, for the OpenAPI document: an example id or a FHIR Bundle, the hook, and the date to evaluate at.</summary>
public sealed record PreviewRequestDocument(string Hook, string? Example, System.Text.Json.JsonElement? Bundle, string? At);
