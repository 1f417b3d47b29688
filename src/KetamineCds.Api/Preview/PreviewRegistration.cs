using KetamineCds.Api.Admin;

namespace KetamineCds.Api.Preview;

/// <summary>The card preview for clinical admins: the bundled example patients, the JSON endpoint and the page.</summary>
public static class PreviewRegistration
{
    public static WebApplicationBuilder AddPreview(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ExamplePatients>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPreview(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup();
        group.MapGet("/preview/examples", PreviewApi.Examples).WithName("PreviewExamples")
            .WithSummary("The bundled example patients the preview offers");
        group.MapPost("/preview", PreviewApi.PreviewAsync).WithName("PreviewCards")
            .WithSummary("Cards and the trace of every rule for an example patient or a FHIR Bundle, at a chosen date")
            .Accepts<PreviewRequestDocument>("application/json")
            .Produces<PreviewResponse>();
        group.MapGet("/rules/diff", PackDiffApi.Diff).WithName("RulePackDiff")
            .WithSummary("The live pack against the rule folder on disk: cards gained, lost or changed by case and rule, and rules changed without a new version")
            .Produces<PackDiffDocument>();
        group.MapGet("/", (HttpContext context) => PreviewApi.Asset("", context)).ExcludeFromDescription();
        group.MapGet("/{file}", (string file, HttpContext context) => PreviewApi.Asset(file, context)).ExcludeFromDescription();
        return app;
    }
}

/// <summary>The preview request, for the OpenAPI document: an example id or a FHIR Bundle, the hook, and the date to evaluate at.</summary>
public sealed record PreviewRequestDocument(string Hook, string? Example, System.Text.Json.JsonElement? Bundle, string? At);
