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
        "forbidden" => "not permitted by the EHR's token (the FHIR server answered 403)",
        "foreign_link" => "its next page is on another server, which is never sent the token",
        "foreign_redirect" => "the EHR's FHIR server redirected the query off its own address, which is never followed",
        "address_refused" => "the FHIR server's name resolves to a link-local or cloud metadata address, which is never called",
        "http_error" => "the EHR's FHIR server answered with an error",
        "not_fhir" => "the EHR's FHIR server's answer was not FHIR",
        _ => "the EHR's FHIR server could not be reached",
    };

    public static bool IsExpected(Exception ex) =>
        ex is HttpRequestException or OperationCanceledException or TimeoutException or TimeoutRejectedException or BrokenCircuitException or InvalidDataException
            or FhirRedirectRefusedException;

    public static string Kind(Exception ex) => ex switch
    {
        BrokenCircuitException => "circuit_open",
        FhirRedirectRefusedException => "foreign_redirect",
        HttpRequestException { InnerException: FhirAddressRefusedException } => "address_refused",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timed_out",
        // 401: the token itself is bad, so nothing can be read (412). 403: this query is outside what the token may do
        // (Epic grants APIs per resource and observation category): one key lost, the rest still advised on.
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized } => "refused",
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.Forbidden } => "forbidden",
        ForeignLinkException => "foreign_link",
        HttpRequestException { StatusCode: not null } => "http_error",
        InvalidDataException => "not_fhir",
        _ => "unreachable",
    };
}

/// <summary>A Bundle's <c>next</c> link points off the request's FHIR server; following it would hand the token to another host.</summary>
public sealed class ForeignLinkException() : HttpRequestException("next link points outside the FHIR server");
