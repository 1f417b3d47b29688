using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Options;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Facts;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Endpoints for clinical admins and operators, behind the admin credential: the live pack and reload status, a reload
/// on demand, rule statistics and the Prometheus scrape endpoint. The preview maps its own on the same group.
/// </summary>
public static class AdminApi
{
    public static async Task<IResult> StatisticsAsync(string? since, ICdsStore store, RulePack.RulePackProvider packs, TimeProvider time, CancellationToken cancellationToken)
    {
        // The same look-back notation as the rule files' "within".
        if (LookBack.Parse(since ?? "30d")?.Since(time.GetUtcNow()) is not { } from)
        {
            return OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, "since must be a look-back such as 7d, 12w or 6mo.");
        }

        // A store that is down is a 503 from the error table (Hosting/UnhandledErrors).
        var statistics = await store.RuleStatisticsAsync(from, cancellationToken);
        var pack = packs.Current;
        var review = pack.CardPolicy.Review;
        var flags = ReviewFlags.Of(await store.RuleStatisticsAsync(review.Window.Since(time.GetUtcNow()), cancellationToken), pack);
        return Results.Json(statistics.Select(s => s with { Flag = flags.GetValueOrDefault(s.RuleId) }).ToList());
    }
}
