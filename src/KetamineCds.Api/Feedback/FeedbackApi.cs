using KetamineCds.Api.Auth;
using KetamineCds.Api.Hosting;
using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Core;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.Feedback;

/// <summary>
/// <c>POST /cds-services/{id}/feedback</c> (CDS Hooks 2.0 §Feedback). 200 only once the items are durably stored;
/// 503 with Retry-After when the store is down, so the EHR retries. Unknown card uuids are stored and reported.
/// </summary>
public static class FeedbackApi
{
    public sealed record FeedbackAnswer(int Stored, IReadOnlyList<string>? UnknownCards);

    // Absent members are omitted, never null, as everywhere in CDS Hooks (§Use of JSON).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static async Task<IResult> ReceiveAsync(string id, HttpRequest http, ICdsStore store, RulePackProvider packs, TimeProvider time, CdsMetrics metrics, CancellationToken cancellationToken)
    {
        if (!CdsServiceCatalog.Knows(id))
        {
            return OperationOutcomes.Result(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, "No CDS service has this id.");
        }

        if (!http.HasJsonContentType())
        {
            return OperationOutcomes.Result(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "Send feedback as application/json.");
        }

        List<FeedbackRecord> records;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Body, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            var pack = packs.Current;
            records = [.. FeedbackReader.Read(document.RootElement, id, time.GetUtcNow()).Select(r =>
                r is { ReasonDisplay: null, ReasonSystem: { } system, ReasonCode: { } code }
                    ? r with { ReasonDisplay = pack.OverrideReasonDisplay(system, code) }
                    : r)];
        }
        catch (JsonException)
        {
            metrics.Feedback("invalid");
            throw new InvalidRequestBodyException("The body is not valid JSON.");
        }
        catch (InvalidRequestBodyException)
        {
            metrics.Feedback("invalid");
            throw;
        }

        try
        {
            var unknown = await store.SaveFeedbackAsync(records, cancellationToken);
            foreach (var outcome in records.Where(r => !unknown.Contains(r.CardUuid)).GroupBy(r => r.Outcome))
            {
                metrics.Feedback(outcome.Key, outcome.Count());
            }

            if (unknown.Count > 0)
            {
                metrics.Feedback("unknown_card", unknown.Count);
            }

            return Results.Json(new FeedbackAnswer(records.Count, unknown.Count == 0 ? null : unknown), Json);
        }
        catch (StoreUnavailableException)
        {
            // Answered 503 with Retry-After by the error table, so the EHR retries.
            metrics.Feedback("store_unavailable", records.Count);
            throw;
        }
    }
}
