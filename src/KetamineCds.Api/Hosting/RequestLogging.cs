using KetamineCds.Api.Core;
using KetamineCds.Api.Telemetry;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace KetamineCds.Api.Hosting;

/// <summary>Serilog: readable console by default, compact JSON with <c>Logging:Format=json</c>; one event per request.</summary>
public static class RequestLogging
{
    internal static void Add(WebApplicationBuilder builder)
    {
        var json = builder.AddValidatedOptions<LoggingOptions>(LoggingOptions.Section).IsJson;
        builder.Services.AddSingleton(provider =>
        {
            var monitor = new LogBufferMonitor();
            provider.GetRequiredService<CdsMetrics>().ObserveLogBuffer(() => monitor.Depth, () => monitor.Dropped);
            return monitor;
        });
        builder.Services.AddSerilog((services, logger) =>
        {
            // Quiet framework defaults first, so that configuration (Serilog:MinimumLevel) can still turn them up.
            logger.MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            // Formatting and writing happen on the async sink's own thread, so a request never waits on the console
            // (a slow terminal or log collector). When its buffer is full, events are dropped rather than block a call.
            logger.WriteTo.Async(sink =>
            {
                if (json)
                {
                    sink.Console(new CompactJsonFormatter());
                }
                else
                {
                    sink.Console();
                }
            }, bufferSize: 10_000, blockWhenFull: false, monitor: services.GetRequiredService<LogBufferMonitor>());
        }, preserveStaticLogger: true); // each host owns its logger; the static Log.Logger is not shared between hosts
    }

    /// <summary>
    /// The request event: method, path template values (service id), status and timings, plus what the handler set
    /// (hook, hookInstance, pack, rules fired, per-phase timings). No body, query string or header is logged.
    /// </summary>
    internal static void Use(WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = Level;
            // This host's logger: by default the middleware writes to the static Log, which hosts here never replace.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.EnrichDiagnosticContext = (context, http) =>
            {
                if (http.GetRouteValue("id") is string id)
                {
                    context.Set("Service", id);
                }

                // Joins the log event to its trace (OpenTelemetry exports the same id).
                if (System.Diagnostics.Activity.Current is { } activity)
                {
                    context.Set("TraceId", activity.TraceId.ToHexString());
                }
            };
        });
    }

    /// <summary>
    /// A refused request (4xx) is the caller's problem, worth a warning and never an error; only the service's own
    /// failures (5xx) are errors. Mapped exceptions never reach here (the error table, inside, answered them), so a
    /// request line carries no exception text: the table logs what it needs without request data.
    /// </summary>
    internal static LogEventLevel Level(HttpContext context, double elapsedMilliseconds, Exception? exception) =>
        exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
        : context.Response.StatusCode >= 400 ? LogEventLevel.Warning
        : LogEventLevel.Information;
}
