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
}
