using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KetamineCds.Api.Fhir;

/// <summary>How a FHIR call failed, in one low-cardinality word for logs and metrics; never the URL or the token.</summary>
public static class FhirFailure
{
    /// <summary>What a clinician reads on the incomplete-data card for a failure of this kind.</summary>
    public static string Describe(string kind) => kind switch
    {
        "circuit_open" => "the EHR's FHIR server has been failing, and calls to it are paused",
        "timed_out" => "the EHR's FHIR server did not answer in time",
        "refused" => "the EHR's FHIR server refused the access token",
        "http_error" => "the EHR's FHIR server answered with an error",
        "not_fhir" => "the EHR's FHIR server's answer was not FHIR",
        _ => "the EHR's FHIR server could not be reached",
    };

    public static bool IsExpected(Exception ex) =>
        ex is HttpRequestException or OperationCanceledException or TimeoutException or TimeoutRejectedException or BrokenCircuitException or InvalidDataException;

    public static string Kind(Exception ex) => ex switch
    {
        BrokenCircuitException => "circuit_open",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timed_out",
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } => "refused",
        HttpRequestException { StatusCode: not null } => "http_error",
        InvalidDataException => "not_fhir",
        _ => "unreachable",
    };
}
