namespace KetamineCds.Api.Hosting;

/// <summary>The host itself: the shutdown budget, the system clock, the error mapping, OpenAPI and the health endpoints.</summary>
public static class HostingRegistration
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // SIGTERM: Kestrel stops accepting, in-flight requests finish, then the audit writer flushes; all of it inside
        // this budget, which must stay under the orchestrator's grace period (Kubernetes: 30 s by default).
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Shutdown:TimeoutSeconds", 25)));
        services.AddSingleton(TimeProvider.System);
        services.AddExceptionHandler<UnhandledErrors>();
        // UseExceptionHandler() requires a problem-details service to start; every body it writes is UnhandledErrors'
        // OperationOutcome, so ProblemDetails never reaches a client.
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
