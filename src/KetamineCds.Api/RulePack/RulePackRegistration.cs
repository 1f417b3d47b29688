using KetamineCds.Api.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KetamineCds.Api.RulePack;

/// <summary>The rule pack: its options, the clinical clock, the provider with its go-live gate, warm-up, watcher and readiness.</summary>
public static class RulePackRegistration
{
    public static WebApplicationBuilder AddRulePack(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RulesOptions>(RulesOptions.Section);
        var services = builder.Services;
        services.AddKeyedSingleton(ClinicalClock.Key, TimeProvider.System);
        services.AddSingleton<RulePackProvider>();
        services.AddHostedService<RulePackWarmUp>();
        services.AddSingleton<RulePackWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<RulePackWatcher>());
        services.AddHealthChecks().AddCheck<RulePackHealthCheck>("rule-pack", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Ready only with a valid rule pack loaded.</summary>
public sealed class RulePackHealthCheck(RulePackProvider packs) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(packs.Current is { } pack
            ? HealthCheckResult.Healthy(pack.Label)
            : HealthCheckResult.Unhealthy("no rule pack loaded"));
}
