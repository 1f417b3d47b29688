using System.Diagnostics;
using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using Microsoft.AspNetCore.Diagnostics;

namespace KetamineCds.Api.Hosting;

/// <summary>
/// The one table from exceptions to answers, each an OperationOutcome: a bad body 400, nothing to evaluate 412, a body
/// over the limit 413, the store down 503 with Retry-After, anything else 500 with the W3C trace id that the request
/// log and the traces carry, never a stack trace. (The empty 401 that CDS Hooks asks for is Auth's, not here.)
/// </summary>
public sealed class UnhandledErrors(CdsMetrics metrics, ILogger<UnhandledErrors> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            InvalidRequestBodyException invalid => Rejected(invalid),
            RequiredDataUnavailableException unavailable => PreconditionFailed(httpContext, unavailable),
            StoreUnavailableException => StoreUnavailable(httpContext),
            // Kestrel's own refusals, such as a body over the configured size limit (413).
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => OperationOutcomes.Result(StatusCodes.Status413PayloadTooLarge,
                OperationOutcome.IssueType.TooLong, "The request body exceeds the configured size limit."),
            BadHttpRequestException bad => OperationOutcomes.Result(bad.StatusCode, OperationOutcome.IssueType.Invalid, "The request could not be read."),
            _ => Failed(httpContext, exception),
        };
        await result.ExecuteAsync(httpContext);
        return true;
    }

    private IResult Rejected(InvalidRequestBodyException invalid)
    {
        logger.RequestRejected(invalid.Message);
        return OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, invalid.Message);
    }

    private IResult PreconditionFailed(HttpContext httpContext, RequiredDataUnavailableException unavailable)
    {
        logger.RequiredDataUnavailable(string.Join(",", unavailable.Keys), unavailable.Reason);
        // The handler runs after routing was cleared for it; the feature keeps the route the request had.
        var service = httpContext.Features.Get<IExceptionHandlerFeature>()?.RouteValues?["id"] as string;
        metrics.PreconditionFailed(service ?? "unknown", unavailable.Cause);
        return OperationOutcomes.Result(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Incomplete,
            $"Required data could not be obtained for prefetch keys {string.Join(", ", unavailable.Keys)}: {unavailable.Reason}.");
    }

    private IResult StoreUnavailable(HttpContext httpContext)
    {
        logger.StoreUnavailableAnswered();
        httpContext.Response.Headers.RetryAfter = "30";
        return OperationOutcomes.Result(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient,
            "The feedback and audit store is unavailable; nothing was kept. Retry later.");
    }

    private IResult Failed(HttpContext httpContext, Exception exception)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        // The type and stack say where it failed; the message is left out because it may quote request data.
        logger.UnhandledError(exception.GetType().FullName ?? "exception", traceId, exception.StackTrace ?? "");
        return OperationOutcomes.Result(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
            $"The service failed to answer; no advice was produced. Trace id {traceId}.");
    }
}
