using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// Writes queued audit records in batches of whatever has queued, up to <see cref="StoreOptions.AuditBatchSize"/>. When the store is down the batch is kept and retried every
/// <see cref="StoreOptions.RetrySeconds"/> (none is lost while the queue has room); on shutdown the queue is drained
/// and written before the process exits.
/// </summary>
public sealed class AuditWriter(AuditBuffer queue, ICdsStore store, StoreHealth health, IOptions<StoreOptions> options, ILogger<AuditWriter> logger, TimeProvider time)
    : BackgroundService
{
    private readonly List<QueuedAudit> _backlog = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain();
                await WriteBacklogAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await base.StopAsync(cancellationToken);
        Drain();
        var remaining = Snapshot();
        if (remaining.Length > 0)
        {
            try
            {
                await store.SaveAuditAsync(Records(remaining), cancellationToken);
                Remove(remaining.Length);
                queue.MarkWritten(remaining);
            }
            catch (StoreUnavailableException)
            {
                // Their ids stay in the journal: the next start counts them as answered but not recorded.
                AuditBuffer.Abandon(remaining);
                logger.AuditRecordsLostAtShutdown(remaining.Length);
            }
        }
    }

    // The backlog is touched by the writer loop and by StopAsync, which can overlap at shutdown.
    private void Drain()
    {
        lock (_backlog)
        {
            while (_backlog.Count < options.Value.AuditBatchSize && queue.Reader.TryRead(out var record))
            {
                _backlog.Add(record);
            }
        }
    }

    private static AuditRecord[] Records(QueuedAudit[] batch) => [.. batch.Select(q => q.Record)];

    private QueuedAudit[] Snapshot()
    {
        lock (_backlog)
        {
            return [.. _backlog];
        }
    }

    private void Remove(int count)
    {
        lock (_backlog)
        {
            _backlog.RemoveRange(0, Math.Min(count, _backlog.Count));
        }
    }

    private async Task WriteBacklogAsync(CancellationToken stoppingToken)
    {
        for (var batch = Snapshot(); batch.Length > 0; batch = Snapshot())
        {
            try
            {
                await store.SaveAuditAsync(Records(batch), stoppingToken);
                Remove(batch.Length);
                queue.MarkWritten(batch);
                health.Succeeded(StoreHealth.AuditWrite);
                Drain();
            }
            catch (StoreUnavailableException)
            {
                health.Failed(StoreHealth.AuditWrite);
                await Task.Delay(TimeSpan.FromSeconds(options.Value.RetrySeconds), time, stoppingToken);
                Drain();
            }
        }
    }
}
