using System.Threading.Channels;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>An audit record in the queue: its place in the journal, and for record-first the answer waiting on it.</summary>
public sealed record QueuedAudit(AuditRecord Record, long Sequence, TaskCompletionSource? Stored);

/// <summary>
/// Audit records wait here, off the request path, for the writer. Bounded: when full, a record is dropped and counted
/// rather than slowing an EHR call; <see cref="AuditDropReport"/> logs the drops as one line per interval, because a
/// line per dropped record would add load to a service that is already behind. Each record's id is journaled as it is
/// queued (<see cref="AuditJournal"/>), so a crash that loses the queue is counted at the next start.
/// </summary>
public sealed class AuditBuffer(IOptions<StoreOptions> options, AuditJournal? journal = null)
{
    private readonly Channel<QueuedAudit> _channel = Channel.CreateBounded<QueuedAudit>(
        new BoundedChannelOptions(options.Value.AuditQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly Lock _order = new();
    private long _sequence;
    private long _dropped;
    private long _written;

    /// <summary>Records dropped since start-up (kcds_audit_dropped_total).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records the writer has stored since start-up (kcds_audit_written_total).</summary>
    public long Written => Interlocked.Read(ref _written);

    public int Depth => _channel.Reader.Count;

    public int Capacity { get; } = options.Value.AuditQueueCapacity;

    public ChannelReader<QueuedAudit> Reader => _channel.Reader;

    /// <summary>Queues a record behind the answer (answer-first).</summary>
    public void Enqueue(AuditRecord record) => Add(record, null);

    /// <summary>
    /// Queues a record without journaling it and completes when the writer has committed it (record-first), or at once
    /// when it was dropped (counted as a drop). An answer that stops waiting journals it then (<see cref="JournalUnstored"/>).
    /// </summary>
    public Task EnqueueAndWaitAsync(AuditRecord record)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Add(record, stored) ? stored.Task : Task.CompletedTask;
    }

    /// <summary>
    /// Record-first, past the wait: the answer goes out before its record is stored, so its id is journaled now. Its
    /// sequence number is later than its place in the queue, so its journal entry is released only after it is stored.
    /// </summary>
    public void JournalUnstored(string recordId) => journal?.Append(recordId, static _ => { });

    /// <summary>The writer committed these records: counted, their journal entries released, their answers let go.</summary>
    public void MarkWritten(IReadOnlyList<QueuedAudit> batch)
    {
        Interlocked.Add(ref _written, batch.Count);
        Release(batch);
    }

    /// <summary>The writer gave up on these records (the store was down at shutdown): their answers are let go, their journal entries kept.</summary>
    public static void Abandon(IReadOnlyList<QueuedAudit> batch)
    {
        foreach (var queued in batch)
        {
            queued.Stored?.TrySetResult();
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    private void Release(IReadOnlyList<QueuedAudit> batch)
    {
        if (batch.Count > 0)
        {
            journal?.Stored(batch[^1].Sequence);
        }

        Abandon(batch);
    }

    private bool Add(AuditRecord record, TaskCompletionSource? stored)
    {
        var queued = false;
        void Queue(long sequence) => queued = _channel.Writer.TryWrite(new QueuedAudit(record, sequence, stored));
        if (journal is null)
        {
            lock (_order)
            {
                Queue(++_sequence);
            }
        }
        else
        {
            journal.Append(stored is null ? record.Id : null, Queue);
        }

        if (!queued)
        {
            Interlocked.Increment(ref _dropped);
        }

        return queued;
    }
}
