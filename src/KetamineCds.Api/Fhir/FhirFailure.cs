using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KetamineCds.Api.Fhir;

/// <summary>How a FHIR call failed, in one low-cardinality word for logs and metrics; never the URL or the token.</summary>
public static class FhirFailure
{
    public static bool IsExpected(Exception ex) =>
        ex is HttpRequestException or OperationCanceledException or TimeoutException or TimeoutRejectedException or BrokenCircuitException or InvalidDataException;

    public static string Kind(Exception ex) => ex switch
    {
        BrokenCircuitException => "circuit_open",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timed_out",
        HttpRequestException { StatusCode: not null } => "http_error",
        InvalidDataException => "not_fhir",
        _ => "unreachable",
    };
}
