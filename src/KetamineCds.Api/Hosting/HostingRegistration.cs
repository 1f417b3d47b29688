using KetamineCds.Api.Core;

namespace KetamineCds.Api.Hosting;

/// <summary>
/// The host itself: the request log, the shutdown budget, the system clock, the error table, HTTP hardening (limits,
/// CORS, rate limits, security headers), forgiving paths, OpenAPI and the health endpoints. Each middleware's order in
/// the pipeline is set in Program.cs, which says why.
/// </summary>
public static class HostingRegistration
{
    /// <summary>Serilog: readable console by default, compact JSON with <c>Logging:Format=json</c>; one event per request.</summary>
    public static WebApplicationBuilder AddRequestLogging(this WebApplicationBuilder builder)
    {
        RequestLogging.Add(builder);
        return builder;
    }

    /// <summary>Body size limit, CORS for browser EHRs, per-issuer rate limiting.</summary>
    public static WebApplicationBuilder AddHttpHardening(this WebApplicationBuilder builder)
    {
        HttpHardening.Add(builder);
        return builder;
    }

    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var shutdown = builder.AddValidatedOptions<ShutdownOptions>(ShutdownOptions.Section);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(shutdown.TimeoutSeconds));
        services.AddSingleton(TimeProvider.System);
        services.AddExceptionHandler<UnhandledErrors>();
        // UseExceptionHandler() requires a problem-details service to start; every body it writes is UnhandledErrors'
        // OperationOutcome, so ProblemDetails never reaches a client.
        services.AddProblemDetails();
        services.AddOpenApi();
        HealthReporting.Add(services);
        return builder;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        // Readiness: the rule pack (Unhealthy without one: 503) and the store (Degraded: still 200, with the reason).
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthReporting.WriteAsync });
        HealthReporting.Observe(app);
        return app;
    }

    /// <summary>Runs of slashes read as one before routing (<see cref="PathNormalization"/>).</summary>
    public static WebApplication UsePathNormalization(this WebApplication app)
    {
        PathNormalization.Use(app);
        return app;
    }

    /// <summary>Headers that keep a browser from sniffing, framing or caching clinical answers.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        HttpHardening.UseSecurityHeaders(app);
        return app;
    }

    /// <summary>One event per request with the status sent: it must wrap the error table (<see cref="UseErrorTable"/>).</summary>
    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        RequestLogging.Use(app);
        return app;
    }

    /// <summary>
    /// Exceptions to OperationOutcome answers (<see cref="UnhandledErrors"/>), and an OperationOutcome for the errors the
    /// framework answers without a body (<see cref="EmptyErrorOutcomes"/>).
    /// </summary>
    public static WebApplication UseErrorTable(this WebApplication app)
    {
        app.UseExceptionHandler();
        EmptyErrorOutcomes.Use(app);
        return app;
    }

    /// <summary>CORS for browser EHRs, with a start-up warning when any origin may call (Development).</summary>
    public static WebApplication UseCdsCors(this WebApplication app)
    {
        HttpHardening.UseCors(app);
        return app;
    }
}
