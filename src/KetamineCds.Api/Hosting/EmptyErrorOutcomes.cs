using Hl7.Fhir.Model;
using KetamineCds.Api.Core;

namespace KetamineCds.Api.Hosting;

public static class EmptyErrorOutcomes
{
    /// <summary>
    /// Errors answered without a body (no route: 404; wrong method: 405; a content type the endpoint does not accept:
    /// 415; the admin credential refused: 403) get an OperationOutcome too, so every client error reads the same. 401
    /// stays empty, as the CDS Hooks best practices ask.
    /// </summary>
    internal static void Use(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            var response = context.Response;
            if (response.HasStarted || response.ContentLength is not null || response.ContentType is not null)
            {
                return;
            }

            var (type, text) = response.StatusCode switch
            {
                StatusCodes.Status403Forbidden => (OperationOutcome.IssueType.Forbidden, "This credential may not use this endpoint."),
                StatusCodes.Status404NotFound => (OperationOutcome.IssueType.NotFound, "Nothing is served at this path; CDS services are listed at GET /cds-services."),
                StatusCodes.Status405MethodNotAllowed => (OperationOutcome.IssueType.NotSupported, "This method is not allowed here."),
                StatusCodes.Status415UnsupportedMediaType => (OperationOutcome.IssueType.NotSupported, "Send the request as application/json."),
                _ => (default(OperationOutcome.IssueType?), ""),
            };
            if (type is { } issue)
            {
                await OperationOutcomes.Result(response.StatusCode, issue, text).ExecuteAsync(context);
            }
        });
    }
}
