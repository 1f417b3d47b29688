using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.Audit;

/// <summary>The audit trail: a bounded buffer off the request path, keyed hashes of identifiers, and the background writer.</summary>
public static class AuditRegistration
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuditOptions>(AuditOptions.Section);
        var services = builder.Services;
        services.AddSingleton<AuditJournal>();
        services.AddHostedService<AuditJournalRecovery>();
        services.AddSingleton(provider =>
        {
            var buffer = ActivatorUtilities.CreateInstance<AuditBuffer>(provider);
            provider.GetRequiredService<CdsMetrics>().ObserveAuditQueue(() => buffer.Depth, () => buffer.Dropped, () => buffer.Written);
            provider.GetRequiredService<StoreHealth>().ObserveQueue("audit", () => buffer.Depth, buffer.Capacity, () => buffer.Dropped);
            return buffer;
        });
        services.AddSingleton<AuditHasher>();
        services.AddScoped<AuditScope>();
        services.AddHostedService<AuditWriter>();
        services.AddHostedService<AuditDropReport>();
        return builder;
    }
}
