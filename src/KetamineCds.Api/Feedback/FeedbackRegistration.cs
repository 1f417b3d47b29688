using KetamineCds.Api.Auth;
using KetamineCds.Api.Core;
using KetamineCds.Api.Hosting;

namespace KetamineCds.Api.Feedback;

/// <summary>CDS Hooks feedback: <c>POST /cds-services/{id}/feedback</c>, behind the EHR's JWT and the per-issuer rate limit.</summary>
public static class FeedbackRegistration
{
    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cds-services/{id}/feedback", FeedbackApi.ReceiveAsync)
            .RequireEhr().RequirePerIssuerRateLimit()
            .WithTags("CDS Hooks").WithName("Feedback").WithSummary("Accepts feedback on cards (CDS Hooks 2.0 §Feedback)")
            .Produces<FeedbackApi.FeedbackAnswer>()
            .ProducesOperationOutcome(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
