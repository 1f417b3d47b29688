using System.Text.Json;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KetamineCds.Api.Hosting;

/// <summary>
/// Readiness that tells the truth about the store: Degraded (HTTP 200, so a replica that can still advise stays in
/// rotation) while any store operation is failing or a write-behind queue is above its threshold, with the reason.
/// Unhealthy is kept for a replica that cannot advise (no rule pack).
/// </summary>
public sealed class StoreHealthCheck(StoreHealth store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = store.Report();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("store writes succeeding")
            : HealthCheckResult.Degraded(string.Join("; ", problems) + "; advice goes on, the audit trail and card memory wait or are lost"));
    }
}

/// <summary>The health answer as JSON: the overall status and each check's status and reason, for an operator's curl and a probe alike.</summary>
public static class HealthReporting
{
    internal static void Add(IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);

    /// <summary>The store's failures, queues and Degraded state as metrics.</summary>
    internal static void Observe(WebApplication app)
    {
        var store = app.Services.GetRequiredService<StoreHealth>();
        app.Services.GetRequiredService<CdsMetrics>().ObserveStore(store.FailureTotals, store.Queues, () => store.Report().Count > 0);
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }
}
