using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Fhir;

/// <summary>Configuration section <c>Fhir</c>: how the service fetches what the EHR did not prefetch.</summary>
public sealed class FhirOptions
{
    public const string Section = "Fhir";

    /// <summary>
    /// One deadline for all FHIR queries of a request; what has not arrived by then is named on the incomplete-data
    /// card and the rest is evaluated. Set it below the EHR's own CDS timeout minus about 100 ms for evaluation and the
    /// answer. Default 1,500 ms: EHRs wait seconds for order-sign advice, and a complete answer a second later beats
    /// a partial one.
    /// </summary>
    [Range(50, 30_000)]
    public int DeadlineMilliseconds { get; set; } = 1500;

    /// <summary>How many <c>next</c> pages to follow per query. Default 5.</summary>
    [Range(1, 100)]
    public int PageLimit { get; set; } = 5;

    /// <summary>
    /// FHIR base URLs the service may call on a request's say-so. Outside Development an empty list allows none,
    /// so the service never calls an arbitrary host.
    /// </summary>
    public List<string> AllowedServers { get; set; } = [];

    /// <summary>
    /// Let an allowed server's name resolve to a link-local address (169.254.0.0/16, fe80::/10) or a cloud metadata
    /// address. Off by default: such an address behind an allowed name is a DNS mistake or an attack (SSRF to the
    /// instance metadata service), never a hospital's FHIR server. Private and loopback addresses are always allowed.
    /// </summary>
    public bool AllowLinkLocalAddresses { get; set; }

    /// <summary>Timeout of one HTTP attempt; a timed-out attempt is followed by another while the deadline allows. Default 1,000 ms.</summary>
    [Range(10, 30_000)]
    public int AttemptTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Extra attempts of a read (every FHIR query is an idempotent GET): sent when the previous one has not answered
    /// within the hedge delay, or at once when it failed (408, 429, 5xx, timeouts; never 401/403). The first answer
    /// wins and the others are cancelled. Default 2.
    /// </summary>
    [Range(0, 5)]
    public int MaxHedgedAttempts { get; set; } = 2;

    /// <summary>
    /// The least time to wait for an attempt before hedging it. The delay used is the server's recent 90th percentile
    /// answer time when that is longer (<see cref="FhirLatency"/>). Default 200 ms.
    /// </summary>
    [Range(10, 10_000)]
    public int HedgeDelayFloorMilliseconds { get; set; } = 200;

    /// <summary>
    /// Attempts to one FHIR server within 30 s before its circuit breaker may open (at half of them failing with
    /// errors; slowness does not count, the hedge absorbs it). Default 10.
    /// </summary>
    [Range(2, 1000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>How long an open circuit rejects calls to that server before trying again. Default 15 s.</summary>
    [Range(1, 600)]
    public int CircuitBreakerBreakSeconds { get; set; } = 15;
}
