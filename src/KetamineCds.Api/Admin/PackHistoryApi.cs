using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Admin;

/// <summary>What was live on a replica at a time: its latest history entry at or before that time.</summary>
public sealed record LiveAt(string Replica, PackHistoryEntry Entry);

/// <summary>
/// The history of live packs for a CDS committee and an incident review: every swap on every replica, newest first,
/// and which pack and rule versions were live at a given time.
/// </summary>
public static class PackHistoryApi
{
    // Enough for every replica's latest entry before a time, however many replicas have come and gone.
    private const int ScanLimit = 1000;

    public static async Task<IResult> HistoryAsync(int? limit, ICdsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ScanLimit)
        {
            return OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, $"limit must be between 1 and {ScanLimit}.");
        }

        return Results.Json(await store.PackHistoryAsync(time.GetUtcNow(), limit ?? 100, cancellationToken));
    }

    /// <summary><c>GET /admin/rules/at?time=2026-12-01T14:30Z</c>: per replica, the pack and rule versions live at that time.</summary>
    public static async Task<IResult> AtAsync(string? time, ICdsStore store, CancellationToken cancellationToken)
    {
        if (!TryParseTime(time, out var at))
        {
            return OperationOutcomes.Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
                "time must be an ISO 8601 date or date-time, e.g. 2026-12-01T14:30:00Z.");
        }

        return Results.Json(await LiveAtAsync(store, at, cancellationToken));
    }

    public static async Task<IReadOnlyList<LiveAt>> LiveAtAsync(ICdsStore store, DateTimeOffset at, CancellationToken cancellationToken) =>
        [.. (await store.PackHistoryAsync(at, ScanLimit, cancellationToken))
            .GroupBy(e => e.Replica, StringComparer.Ordinal)
            .Select(g => new LiveAt(g.Key, g.First()))
            .OrderByDescending(l => l.Entry.At)];

    /// <summary>An ISO 8601 time; a bare date or a time without an offset is read as UTC (the history is kept in UTC).</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}
