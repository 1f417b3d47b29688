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
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddKetamineCdsTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        builder.Services.AddSingleton<CdsMetrics>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ketamine-cds", serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()));
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

    public static string? RedactedUrl(Uri? url)
    {
        if (url is null)
        {
            return null;
        }

        // https://ehr.example.org/fhir/Observation?patient=… → https://ehr.example.org/fhir/Observation
        // https://ehr.example.org/fhir/Patient/123 → https://ehr.example.org/fhir/Patient/{id}
        var segments = url.AbsolutePath.TrimEnd('/').Split('/');
        var typeAt = Array.FindLastIndex(segments, s => s.Length > 0 && char.IsUpper(s[0]));
        var kept = typeAt < 0 ? "/" : string.Join('/', segments[..(typeAt + 1)]) + (typeAt < segments.Length - 1 ? "/{id}" : "");
        return $"{url.Scheme}://{url.Authority}{kept}";
    }
}
