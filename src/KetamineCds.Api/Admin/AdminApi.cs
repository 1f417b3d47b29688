using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using KetamineCds.Api.Infrastructure;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Facts;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>Endpoints for clinical admins: rule statistics (cards issued, accepted, overridden, top override reasons).</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").WithTags("Admin").AddEndpointFilter(RequireAdmin);
        group.MapGet("/statistics", StatisticsAsync).WithName("RuleStatistics")
            .WithSummary("Per rule: cards issued, accepted, overridden, override rate, top override reasons, since a look-back (e.g. 30d)")
            .Produces<IReadOnlyList<RuleStatistics>>();
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

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment()
                ? await next(context)
                : Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var presented = http.Request.Headers.Authorization.ToString();
        var expected = $"Bearer {key}";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected))
            ? await next(context)
            : Results.StatusCode(StatusCodes.Status401Unauthorized);
    }
}
