using KetamineCds.Api.Admin;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Preview;
using KetamineCds.Api.Telemetry;
using KetamineCds.Api.Rules;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Infrastructure;

/// <summary>Composition of the service: options (validated at start), the rule pack, FHIR access, the hook handler.</summary>
public static class KetamineCdsServiceExtensions
{
    public static WebApplicationBuilder AddKetamineCds(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RulesOptions>(RulesOptions.Section);
        builder.AddValidatedOptions<FhirOptions, FhirOptionsValidator>(FhirOptions.Section);
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

        // Reads of the EHR's FHIR server: hedged (a copy of a slow search is sent after the server's recent p90 answer
        // time, the first answer wins, the loser is cancelled), retried at once on 408/429/5xx (never 401/403), each
        // attempt under its own timeout, all inside the request's one deadline; one circuit breaker per FHIR server
        // (pipeline selected by authority) that opens on errors, not on slowness. Connections are pooled and reused,
        // HTTP/2 where the server offers it (one connection for all of a call's searches), so a first call costs one
        // connection set-up, not eight.
        services.AddSingleton<FhirLatency>();
        services.AddHostedService<FhirAccessWarmUp>();
        services.AddTransient<FhirAttemptObserver>();
        var fhirClient = services.AddHttpClient<FhirQueryClient>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestVersion = System.Net.HttpVersion.Version20;
                http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(2),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The default HttpClient loggers write request URIs, and FHIR search URIs carry the patient id.
            .RemoveAllLoggers();
        fhirClient.AddStandardHedgingHandler()
            .SelectPipelineByAuthority()
            .Configure((HttpStandardHedgingResilienceOptions resilience, IServiceProvider provider) =>
            {
                var fhir = provider.GetRequiredService<IOptions<FhirOptions>>().Value;
                var latency = provider.GetRequiredService<FhirLatency>();
                var metrics = provider.GetRequiredService<CdsMetrics>();
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMilliseconds(fhir.DeadlineMilliseconds);
                resilience.Hedging.MaxHedgedAttempts = fhir.MaxHedgedAttempts;
                resilience.Hedging.DelayGenerator = args => ValueTask.FromResult(latency.HedgeDelay(args.Context.GetRequestMessage()?.RequestUri));
                resilience.Hedging.OnHedging = _ =>
                {
                    metrics.FhirHedge();
                    return ValueTask.CompletedTask;
                };
                resilience.Endpoint.Timeout.Timeout = TimeSpan.FromMilliseconds(fhir.AttemptTimeoutMilliseconds);
                resilience.Endpoint.CircuitBreaker.MinimumThroughput = fhir.CircuitBreakerMinimumThroughput;
                resilience.Endpoint.CircuitBreaker.FailureRatio = 0.5;
                resilience.Endpoint.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                resilience.Endpoint.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(fhir.CircuitBreakerBreakSeconds);
                // Errors open the circuit; slow or cancelled attempts (the hedge's losers) do not: a slow server is
                // still answering, and cutting it off would turn partial advice into none.
                resilience.Endpoint.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => (int)response.StatusCode >= 500,
                    { Exception: HttpRequestException } => true,
                    _ => false,
                });
            });
        // Inside the hedging handler: sees each attempt (tally, answer times for the hedge delay).
        fhirClient.AddHttpMessageHandler<FhirAttemptObserver>();

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
