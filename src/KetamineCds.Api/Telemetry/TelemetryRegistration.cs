using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KetamineCds.Api.Telemetry;

/// <summary>
/// OpenTelemetry: the service's meter and spans, ASP.NET Core and HttpClient instrumentation, a Prometheus scrape
/// endpoint (admin key) and an OTLP exporter, each on or off by configuration.
/// </summary>
public static class TelemetryRegistration
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        builder.Services.AddSingleton<CdsMetrics>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ketamine-cds", serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString()));
        if (options.PrometheusEnabled || options.OtlpEndpoint is not null)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(CdsMetrics.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (options.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }
            });
        }

        if (options.TracingEnabled || options.OtlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(CdsMetrics.Name)
                    .AddAspNetCoreInstrumentation(asp => asp.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                    // FHIR URLs carry the patient id in the path (Patient/123) and query: the processor keeps only the
                    // server and the resource type. W3C trace context still travels to the FHIR server (traceparent).
                    .AddHttpClientInstrumentation()
                    .AddProcessor(new UrlRedactionProcessor());
                if (options.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }
            });
        }

        return builder;
    }
}
