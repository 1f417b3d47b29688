using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;

namespace KetamineCds.Api.Infrastructure;

/// <summary>Anything unexpected is a 500 with an OperationOutcome and the trace id, never a stack trace.</summary>
public sealed class UnhandledErrors : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = OperationOutcomes.Result(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
            $"The service failed to answer; no advice was produced. Trace id {httpContext.TraceIdentifier}.");
        await result.ExecuteAsync(httpContext);
        return true;
    }
}
