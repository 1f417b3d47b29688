using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Fhir;

/// <summary>Configuration section <c>Fhir</c>: how the service fetches what the EHR did not prefetch.</summary>
public sealed class FhirOptions
{
    public const string Section = "Fhir";

    /// <summary>One deadline for all queries of a request, leaving time to answer within the spec's ~500 ms. Default 400 ms.</summary>
    [Range(50, 30_000)]
    public int DeadlineMilliseconds { get; set; } = 400;

    /// <summary>How many <c>next</c> pages to follow per query. Default 5.</summary>
    [Range(1, 100)]
    public int PageLimit { get; set; } = 5;

    /// <summary>
    /// FHIR base URLs the service may call on a request's say-so. Outside Development an empty list allows none,
    /// so the service never calls an arbitrary host.
    /// </summary>
    public List<string> AllowedServers { get; set; } = [];

    /// <summary>Timeout of one HTTP attempt. Default 250 ms.</summary>
    [Range(10, 30_000)]
    public int AttemptTimeoutMilliseconds { get; set; } = 250;

    /// <summary>Retries of a failed idempotent read (408, 429, 5xx, timeouts; never 401/403). Default 1.</summary>
    [Range(0, 5)]
    public int RetryCount { get; set; } = 1;

    /// <summary>Calls to one FHIR server within 30 s before its circuit breaker may open. Default 10.</summary>
    [Range(2, 1000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>How long an open circuit rejects calls to that server before trying again. Default 15 s.</summary>
    [Range(1, 600)]
    public int CircuitBreakerBreakSeconds { get; set; } = 15;
}
