using KetamineCds.Api.Core;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace KetamineCds.Api.Fhir;

/// <summary>FHIR access: the client of the EHR's FHIR server, its time budget and resilience, and its start-up warm-up.</summary>
public static class FhirAccessRegistration
{
    public static WebApplicationBuilder AddFhirAccess(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<FhirOptions, FhirOptionsValidator>(FhirOptions.Section);
        var services = builder.Services;
        // Reads of the EHR's FHIR server: hedged (a copy of a slow search is sent after the server's recent p90 answer
        // time, the first answer wins, the loser is cancelled), retried at once on 408/429/5xx (never 401/403), each
        // attempt under its own timeout, all inside the request's one deadline; one circuit breaker per FHIR server
        // (pipeline selected by authority) that opens on errors, not on slowness. Connections are pooled and reused,
        // HTTP/2 where the server offers it (one connection for all of a call's searches), so a first call costs one
        // connection set-up, not eight.
        services.AddSingleton<FhirLatency>();
        services.AddTransient<FhirAttemptObserver>();
        services.AddTransient<FhirRedirects>();
        var fhirClient = services.AddHttpClient<FhirQueryClient>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestVersion = System.Net.HttpVersion.Version20;
                http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(2),
                // Redirects are FhirRedirects' to follow, on the allow-list only; the stack's own would go anywhere.
                AllowAutoRedirect = false,
                ConnectCallback = new FhirAddressGuard(provider.GetRequiredService<IOptions<FhirOptions>>().Value.AllowLinkLocalAddresses).ConnectAsync,
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
        // Innermost: each attempt's redirects are checked against the request's fhirServer before one is followed.
        fhirClient.AddHttpMessageHandler<FhirRedirects>();

        services.AddHostedService<FhirAccessWarmUp>();
        return builder;
    }
}
