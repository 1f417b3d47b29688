using System.Threading.Channels;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Writes the card policy's memory in batches of whatever has queued, off the request path: one transaction per batch
/// instead of one per call, so the memory costs a hook call an indexed read and nothing more. Best effort by design:
/// a row lost (queue full, store down) means a card may be shown again, never that one is hidden.
/// </summary>
public sealed class CardMemoryWriter(ICdsStore store, ILogger<CardMemoryWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;

    private readonly Channel<CardMemoryRow> _queue = Channel.CreateBounded<CardMemoryRow>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _written;

    /// <summary>Rows written since start-up (for tests and operators: the writer keeps up).</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Enqueue(CardMemoryRow row) => _queue.Writer.TryWrite(row);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteAsync(Drain(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        for (var batch = Drain(); batch.Count > 0; batch = Drain())
        {
            await WriteAsync(batch, cancellationToken);
        }
    }

    private List<CardMemoryRow> Drain()
    {
        var batch = new List<CardMemoryRow>();
        while (batch.Count < BatchSize && _queue.Reader.TryRead(out var row))
        {
            batch.Add(row);
        }

        return batch;
    }

    private async Task WriteAsync(List<CardMemoryRow> batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.RememberCardsAsync(batch, cancellationToken);
            Interlocked.Add(ref _written, batch.Count);
        }
        catch (StoreUnavailableException)
        {
            logger.CardMemoryUnavailable("write");
        }
    }
}
