using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// Writes queued audit records in batches. When the store is down the batch is kept and retried every
/// <see cref="StoreOptions.RetrySeconds"/> (none is lost while the queue has room); on shutdown the queue is drained
/// and written before the process exits.
/// </summary>
public sealed class AuditWriter(AuditBuffer queue, ICdsStore store, IOptions<StoreOptions> options, ILogger<AuditWriter> logger, TimeProvider time)
    : BackgroundService
{
    private readonly List<AuditRecord> _backlog = [];

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
        if (_backlog.Count > 0)
        {
            try
            {
                await store.SaveAuditAsync(_backlog, cancellationToken);
                _backlog.Clear();
            }
            catch (StoreUnavailableException)
            {
                logger.AuditRecordsLostAtShutdown(_backlog.Count);
            }
        }
    }

    private void Drain()
    {
        while (_backlog.Count < 500 && queue.Reader.TryRead(out var record))
        {
            _backlog.Add(record);
        }
    }

    private async Task WriteBacklogAsync(CancellationToken stoppingToken)
    {
        while (_backlog.Count > 0)
        {
            try
            {
                await store.SaveAuditAsync(_backlog, stoppingToken);
                _backlog.Clear();
                Drain();
            }
            catch (StoreUnavailableException)
            {
                logger.AuditStoreUnavailable(_backlog.Count + queue.Depth);
                await Task.Delay(TimeSpan.FromSeconds(options.Value.RetrySeconds), time, stoppingToken);
                Drain();
            }
        }
    }
}
