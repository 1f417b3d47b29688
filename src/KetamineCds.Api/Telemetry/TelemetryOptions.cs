namespace KetamineCds.Api.Telemetry;

/// <summary>Configuration section <c>Telemetry</c>: metrics and traces, each switched on or off here.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Prometheus scrape endpoint at <c>/metrics</c>, behind the admin key.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    /// <summary>OTLP collector (<c>http://otel-collector:4317</c>); when set, metrics and traces are exported to it.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Record spans even without an OTLP endpoint (for an exporter added in code, as tests do).</summary>
    public bool TracingEnabled { get; set; }
}
