using KetamineCds.Api.Core;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;

namespace KetamineCds.Api.Hosting;

/// <summary>Anything unexpected is a 500 with an OperationOutcome and the trace id, never a stack trace.</summary>
public sealed class UnhandledErrors(ILogger<UnhandledErrors> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            // Kestrel's own refusals, such as a body over the configured size limit (413).
            await OperationOutcomes.Result(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? OperationOutcome.IssueType.TooLong : OperationOutcome.IssueType.Invalid,
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body exceeds the configured size limit." : "The request could not be read.")
                .ExecuteAsync(httpContext);
            return true;
        }

        // The type and stack say where it failed; the message is left out because it may quote request data.
        logger.UnhandledError(exception.GetType().FullName ?? "exception", httpContext.TraceIdentifier, exception.StackTrace ?? "");
        var result = OperationOutcomes.Result(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
            $"The service failed to answer; no advice was produced. Trace id {httpContext.TraceIdentifier}.");
        await result.ExecuteAsync(httpContext);
        return true;
    }
}
