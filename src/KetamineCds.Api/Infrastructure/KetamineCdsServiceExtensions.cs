using KetamineCds.Api.Admin;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Preview;
using KetamineCds.Api.Telemetry;
using KetamineCds.Api.Rules;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Infrastructure;

/// <summary>Composition of the service: options (validated at start), the rule pack, FHIR access, the hook handler.</summary>
public static class KetamineCdsServiceExtensions
{
    public static WebApplicationBuilder AddKetamineCds(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RulesOptions>(RulesOptions.Section);
        builder.AddValidatedOptions<FhirOptions>(FhirOptions.Section);
        builder.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        var services = builder.Services;
        // SIGTERM: Kestrel stops accepting, in-flight requests finish, then the audit writer flushes; all of it inside
        // this budget, which must stay under the orchestrator's grace period (Kubernetes: 30 s by default).
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Shutdown:TimeoutSeconds", 25)));
        services.AddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(ClinicalClock.Key, TimeProvider.System);
        services.AddSingleton<RulePackProvider>();
        services.AddHostedService<RulePackWarmUp>();
        services.AddHostedService<RulePackWatcher>();
        services.AddSingleton<ExamplePatients>();
        services.AddScoped<HookHandler>();
        services.AddScoped<PatientDataAssembler>();

        // Resilience tuned to the CDS budget (spec: answer in about 500 ms): short attempts, jittered retries of
        // idempotent GETs on 408/429/5xx honouring Retry-After (401/403 are never retried), and one circuit breaker
        // per FHIR server (pipeline selected by authority) so a failing EHR is not hammered and answers fail fast.
        var fhirClient = services.AddHttpClient<FhirQueryClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // The default HttpClient loggers write request URIs, and FHIR search URIs carry the patient id.
            .RemoveAllLoggers();
        fhirClient.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
            {
                var fhir = provider.GetRequiredService<IOptions<FhirOptions>>().Value;
                resilience.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(fhir.AttemptTimeoutMilliseconds);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMilliseconds(Math.Max(fhir.DeadlineMilliseconds, fhir.AttemptTimeoutMilliseconds) * 4);
                resilience.Retry.MaxRetryAttempts = fhir.RetryCount;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(20);
                resilience.Retry.UseJitter = true;
                resilience.CircuitBreaker.MinimumThroughput = fhir.CircuitBreakerMinimumThroughput;
                resilience.CircuitBreaker.FailureRatio = 0.5;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(fhir.CircuitBreakerBreakSeconds);
            })
            .SelectPipelineByAuthority();
        // Inside the resilience handler: counts each attempt, so the metrics can tell a retried call.
        fhirClient.AddHttpMessageHandler<FhirAttemptCounter>();

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
