using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Core;
using KetamineCds.Api.RulePack;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.Preview;

/// <param name="Trajectory">The dated scores of the course the card rests on, when it has two or more (drawn as a small chart).</param>
public sealed record PreviewCard(JsonElement Card, string DetailHtml, IReadOnlyList<ScorePoint>? Trajectory = null);

public sealed record PreviewRuleTrace(string RuleId, string Version, string Title, string Category, string Outcome, string Explanation, IReadOnlyList<KetamineCds.Rules.Conditions.EvidenceItem> Evidence);

public sealed record PreviewResponse(
    string Pack,
    string Hook,
    DateTimeOffset At,
    string? DraftOrder,
    bool DraftOrderAssumed,
    IReadOnlyList<PreviewCard> Cards,
    IReadOnlyList<PreviewRuleTrace> Trace);

public sealed record ExampleSummary(string Id, string Hook);

/// <summary>
/// The card preview: the page (HTML, script, style, embedded in the binary) and the JSON it calls. Admin-only;
/// the page sets a strict Content-Security-Policy (own script and style only) as a second guard against injection.
/// </summary>
public static class PreviewApi
{
    private const string PageSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEnumerable<ExampleSummary> Examples(ExamplePatients examples) =>
        examples.List().Select(e => new ExampleSummary(e.Id, e.Hook));

    public static async Task<IResult> PreviewAsync(HttpRequest request, RulePackProvider packs, ExamplePatients examples,
        [FromKeyedServices(ClinicalClock.Key)] TimeProvider clock, CancellationToken cancellationToken)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return Invalid("The body is not JSON.");
        }

        using (body)
        {
            var root = body.RootElement;
            var hook = Text(root, "hook") ?? "order-sign";
            if (!RulePreview.Hooks.Contains(hook))
            {
                return Invalid($"hook must be one of {string.Join(", ", RulePreview.Hooks)}.");
            }

            if (ReadAt(Text(root, "at"), clock) is not { } at)
            {
                return Invalid("at must be a date (2026-01-31) or a date and time with offset.");
            }

            IReadOnlyList<Resource> resources;
            if (Text(root, "example") is { } exampleId)
            {
                if (examples.Find(exampleId) is not { } example)
                {
                    return Invalid($"There is no example patient '{exampleId}'.");
                }

                resources = example.Resources;
            }
            else if (root.TryGetProperty("bundle", out var bundle) && bundle.ValueKind == JsonValueKind.Object)
            {
                try
                {
                    resources = FhirJson.Flatten(FhirJson.Parse(bundle)).ToList();
                }
                catch (FormatException)
                {
                    return Invalid("bundle is not a FHIR resource or Bundle.");
                }
            }
            else
            {
                return Invalid("Give an example patient (example) or a FHIR Bundle (bundle).");
            }

            return Results.Json(ToResponse(RulePreview.Evaluate(packs.Current, hook, resources, at, new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"))));
        }
    }

    public static PreviewResponse ToResponse(PreviewOutcome outcome) => new(
        outcome.Pack.Label,
        outcome.Hook,
        outcome.At,
        outcome.DraftOrder is { } order ? DescribeOrder(order) : null,
        outcome.DraftOrderAssumed,
        outcome.Cards.Select(c => new PreviewCard(JsonSerializer.SerializeToElement(c, CdsJsonContext.Default.Card), SafeMarkdown.ToHtml(c.Detail),
            outcome.Trajectories.GetValueOrDefault(c.Uuid))).ToList(),
        outcome.Trace.Select(t => ToTrace(t, outcome.Pack)).ToList());

    /// <summary>Serves the page's own files, embedded in the binary: nothing on disk to tamper with, nothing to deploy.</summary>
    public static IResult Asset(string name, HttpContext context)
    {
        var (resource, contentType) = name switch
        {
            "" or "index.html" => ("preview.html", "text/html; charset=utf-8"),
            "preview.js" => ("preview.js", "text/javascript; charset=utf-8"),
            "preview.css" => ("preview.css", "text/css; charset=utf-8"),
            _ => (null, null),
        };
        if (resource is null)
        {
            return Results.NotFound();
        }

        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"KetamineCds.Api.Preview.Page.{resource}")
            ?? throw new InvalidOperationException($"embedded page file {resource} is missing from the build");
        context.Response.Headers.ContentSecurityPolicy = PageSecurityPolicy;
        return Results.Stream(stream, contentType);
    }

    private static PreviewRuleTrace ToTrace(RuleTrace trace, CompiledPack pack)
    {
        var rule = pack.RulesById.GetValueOrDefault(trace.RuleId);
        return new PreviewRuleTrace(trace.RuleId, trace.RuleVersion, rule?.Spec.Title ?? "", rule?.Spec.Category ?? "",
            trace.Outcome.ToString().ToLowerInvariant(), trace.Explanation, trace.Evidence);
    }

    private static string DescribeOrder(MedicationRequest order)
    {
        var dose = order.DosageInstruction.FirstOrDefault()?.DoseAndRate.FirstOrDefault()?.Dose as Quantity;
        var medication = (order.Medication as CodeableConcept)?.Text ?? (order.Medication as CodeableConcept)?.Coding.FirstOrDefault()?.Display ?? "ketamine";
        return dose is null ? medication : $"{medication}, {dose.Value?.ToString(CultureInfo.InvariantCulture)} {dose.Unit ?? dose.Code}";
    }

    private static DateTimeOffset? ReadAt(string? text, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return clock.GetUtcNow();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static IResult Invalid(string message) =>
        OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, message);
}
