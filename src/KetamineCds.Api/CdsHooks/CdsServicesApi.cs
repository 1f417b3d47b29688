using KetamineCds.Api.Auth;
using System.Text.Json;
using Hl7.Fhir.Model;
using System.Diagnostics;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Core;
using KetamineCds.Api.Hosting;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.CdsHooks;

/// <summary>CDS Hooks 2.0 endpoints: discovery and service invocation.</summary>
public static class CdsServicesApi
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Discovery for the live pack, as the calling EHR registers it: the observation categories the pack reads, one key
    /// each, and what the caller's profile changes (keys it never serves, <c>_include</c>, conditions per category).
    /// <c>?ehr=epic</c> shows another profile's view (what its install sheet prints), or 404 for an unknown name.
    /// </summary>
    public static IResult Discover(HttpRequest http, RulePackProvider packs, EhrProfiles profiles, string? ehr = null)
    {
        var profile = ehr is null ? profiles.ForIssuer(http.HttpContext.User.Issuer()) : profiles.Named(ehr);
        return profile is null
            ? OperationOutcomes.Result(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound,
                $"No EHR profile has this name; known: {string.Join(", ", profiles.All.Select(p => p.Name).Order(StringComparer.Ordinal))}.")
            : Results.Json(new DiscoveryResponse(CdsServiceCatalog.Describe(packs.Current, profile)), CdsJsonContext.Default.DiscoveryResponse);
    }

    public static async Task<IResult> InvokeAsync(string id, HttpRequest http, HookHandler handler, AuditScope audit, CdsMetrics metrics,
        IOptions<HttpHardeningOptions> limits, RulePackProvider packs, EhrProfiles profiles, IOptions<AuthOptions> auth, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Unknown ids share one label value, so a caller cannot grow the metric's cardinality.
        var known = CdsServiceCatalog.Knows(id);
        var service = known ? CdsServiceCatalog.Describe(packs.Current, id) : null;
        var context = http.HttpContext;
        // The status is the one the EHR got, whichever way it was answered (here, or by the error table in
        // Hosting/UnhandledErrors). Every invocation of a known service is audited, answered or refused: queued as the
        // answer starts (journaled, and with record-first committed, before a byte of it leaves), or at the end for a
        // call that never got to answer; the write happens off the request path.
        if (known)
        {
            context.Response.OnStarting(() => audit.CompleteAsync(context.User.Issuer(), id, context.Response.StatusCode, Stopwatch.GetElapsedTime(started)));
        }

        context.Response.OnCompleted(() =>
        {
            var status = context.Response.StatusCode;
            if (known)
            {
                audit.Complete(context.User.Issuer(), id, status, Stopwatch.GetElapsedTime(started));
            }

            metrics.HookCompleted(known ? id : "unknown", service?.Hook ?? "unknown", Outcome(status), Stopwatch.GetElapsedTime(started));
            return Task.CompletedTask;
        });

        if (service is null)
        {
            return OperationOutcomes.Result(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, "No CDS service has this id; see GET /cds-services.");
        }

        var limit = limits.Value.MaxRequestBodyBytes;
        if (http.ContentLength > limit)
        {
            // Kestrel enforces the same limit on streamed bodies; this answers early and on any server.
            return OperationOutcomes.Result(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooLong, "The request body exceeds the configured size limit.");
        }

        if (!http.HasJsonContentType())
        {
            return OperationOutcomes.Result(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "Send the request as application/json.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Body, BodyOptions, cancellationToken);
        }
        catch (JsonException ex) when (ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidRequestBodyException($"$ (the request body) is nested deeper than {BodyOptions.MaxDepth} levels (line {ex.LineNumber + 1}).");
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestBodyException($"$ (the request body) is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}).");
        }

        using (document)
        {
            var caller = new CallerContext(profiles.ForIssuer(context.User.Issuer()), RulePages(http, auth.Value));
            var response = await handler.HandleAsync(service, caller, document.RootElement, cancellationToken);
            return Results.Json(response, CdsJsonContext.Default.CdsResponse);
        }
    }

    /// <summary>
    /// Where the rule pages are, as the EHR's users reach the service: the configured public base URL (<c>Auth:Audience</c>)
    /// when there is one, else the address this request came to (development, the Sandbox).
    /// </summary>
    private static Uri RulePages(HttpRequest http, AuthOptions auth) =>
        new((auth.Audience is { Length: > 0 } audience ? audience : $"{http.Scheme}://{http.Host}{http.PathBase}").TrimEnd('/') + "/");

    private static string Outcome(int status) => status switch
    {
        StatusCodes.Status200OK => "ok",
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status404NotFound => "unknown_service",
        StatusCodes.Status412PreconditionFailed => "precondition_failed",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        _ => "error",
    };
}
