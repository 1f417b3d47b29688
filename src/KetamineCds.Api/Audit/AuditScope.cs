using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>What one hook call contributes to the audit trail; filled by the handler, queued by the endpoint.</summary>
public sealed class AuditScope(AuditBuffer queue, AuditHasher hasher, TimeProvider time, IOptions<AuditOptions>? options = null)
{
    private readonly AuditOptions _options = options?.Value ?? new AuditOptions();
    private (string Hook, string HookInstance, string? PatientId, string? UserId)? _request;
    private string _pack = "";
    private IReadOnlyList<AuditedCard> _cards = [];
    private bool _queued;

    /// <summary>The validated request: its hook, hookInstance and the ids that are stored only as keyed hashes.</summary>
    public void Request(string hook, string hookInstance, string? patientId, string? userId, string pack)
    {
        _request = (hook, hookInstance, patientId, userId);
        _pack = pack;
    }

    public void Cards(IReadOnlyList<AuditedCard> cards) => _cards = cards;

    /// <summary>
    /// Queues the record as the answer starts (journaled first, so a crash after the answer is counted); with
    /// record-first, completes once the record is committed or the wait is over. A request that never validated (400
    /// before the body was read) still records its status.
    /// </summary>
    /// <param name="issuer">The calling EHR's issuer, when it was authenticated.</param>
    public Task CompleteAsync(string? issuer, string serviceId, int status, TimeSpan elapsed)
    {
        if (!TryRecord(issuer, serviceId, status, elapsed, out var record))
        {
            return Task.CompletedTask;
        }

        if (!_options.IsRecordFirst)
        {
            queue.Enqueue(record);
            return Task.CompletedTask;
        }

        return StoredOrJournaledAsync(queue.EnqueueAndWaitAsync(record), record.Id);
    }

    // Advice is never held back for the audit: past the wait the answer goes, and the journal keeps the count.
    private async Task StoredOrJournaledAsync(Task stored, string recordId)
    {
        try
        {
            await stored.WaitAsync(TimeSpan.FromMilliseconds(_options.RecordFirstTimeoutMilliseconds), time);
        }
        catch (TimeoutException)
        {
            queue.JournalUnstored(recordId);
        }
    }

    /// <summary>Queues the record behind the answer, unless it was queued already (as the answer started).</summary>
    public void Complete(string? issuer, string serviceId, int status, TimeSpan elapsed)
    {
        if (TryRecord(issuer, serviceId, status, elapsed, out var record))
        {
            queue.Enqueue(record);
        }
    }

    private bool TryRecord(string? issuer, string serviceId, int status, TimeSpan elapsed, out AuditRecord record)
    {
        record = null!;
        if (_queued)
        {
            return false;
        }

        _queued = true;
        record = new AuditRecord(
            TimeOrderedId.New(), time.GetUtcNow(), serviceId, _request?.Hook ?? "(invalid)", _request?.HookInstance ?? "(invalid)",
            issuer, _pack, hasher.Hash(_request?.PatientId), hasher.Hash(_request?.UserId),
            status, Math.Round(elapsed.TotalMilliseconds, 1), _cards);
        return true;
    }
}
