namespace KetamineCds.Api.Transparency;

/// <summary>The public rule pages: open to anyone, since they describe the live pack and never a patient.</summary>
public static class TransparencyRegistration
{
    public static IEndpointRouteBuilder MapRulePages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/rules").WithTags("Transparency").AllowAnonymous();
        group.MapGet("", RulePagesApi.Index).WithName("Rules").WithSummary("The live pack's active rules, each with its public page")
            .Produces<IEnumerable<RulePagesApi.RuleEntry>>();
        group.MapGet("/{id}", RulePagesApi.Rule).WithName("RulePage")
            .WithSummary("One rule's public page: intended use, thresholds and their source, evidence, developer, sign-off, review date (HTML, or JSON on Accept: application/json)")
            .Produces<Rules.Evaluation.InterventionDetails>(contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        return app;
    }
}
