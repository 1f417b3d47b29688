using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Rules;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KetamineCds.Api.Infrastructure;

/// <summary>Composition of the service: options (validated at start), the rule pack, FHIR access, the hook handler.</summary>
public static class KetamineCdsServiceExtensions
{
    public static WebApplicationBuilder AddKetamineCds(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RulePackProvider>();
        services.AddHostedService<RulePackWarmUp>();
        services.AddScoped<HookHandler>();
        services.AddScoped<PatientDataAssembler>();

        // Resilience tuned to the CDS budget (spec: answer in about 500 ms): short attempts, one jittered retry of
        // idempotent GETs on 408/429/5xx, and a circuit breaker so a failing FHIR server is not hammered.
        services.AddHttpClient<FhirQueryClient>().AddStandardResilienceHandler(options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(2);
            options.Retry.MaxRetryAttempts = 1;
            options.Retry.Delay = TimeSpan.FromMilliseconds(50);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        });

        services.AddHealthChecks().AddCheck<RulePackHealthCheck>("rule-pack", tags: ["ready"]);
        services.AddProblemDetails();
        services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}

/// <summary>Ready only with a valid rule pack loaded.</summary>
public sealed class RulePackHealthCheck(RulePackProvider packs) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(packs.Current is { } pack
            ? HealthCheckResult.Healthy($"{pack.Name}@{pack.Version}")
            : HealthCheckResult.Unhealthy("no rule pack loaded"));
}
