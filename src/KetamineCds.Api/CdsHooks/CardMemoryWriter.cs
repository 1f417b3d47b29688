using System.Threading.Channels;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Writes the card policy's memory in batches of whatever has queued, off the request path: one transaction per batch
/// instead of one per call, so the memory costs a hook call an indexed read and nothing more. Best effort by design:
/// a row lost (queue full, store down) means a card may be shown again, never that one is hidden. Rows dropped and
/// failed writes are counted (kcds.store.queue.dropped, kcds.store.failures) and logged once per interval (<see cref="StoreHealth"/>).
/// </summary>
public sealed class CardMemoryWriter : BackgroundService
{
    private const int BatchSize = 500;

    private readonly ICdsStore _store;
    private readonly StoreHealth _health;
    private readonly Channel<CardMemoryRow> _queue;
    private long _written;
    private long _dropped;

    public CardMemoryWriter(ICdsStore store, StoreHealth health, IOptions<StoreOptions> options)
    {
        (_store, _health) = (store, health);
        var capacity = options.Value.CardMemoryQueueCapacity;
        _queue = Channel.CreateBounded<CardMemoryRow>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        health.ObserveQueue("card memory", () => _queue.Reader.Count, capacity, () => Dropped);
    }

    /// <summary>Rows written since start-up (for tests and operators: the writer keeps up).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Rows dropped because the queue was full or their write failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(CardMemoryRow row)
    {
        if (!_queue.Writer.TryWrite(row))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

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
            await _store.RememberCardsAsync(batch, cancellationToken);
            Interlocked.Add(ref _written, batch.Count);
            _health.Succeeded(StoreHealth.CardMemoryWrite);
        }
        catch (StoreUnavailableException)
        {
            Interlocked.Add(ref _dropped, batch.Count);
            _health.Failed(StoreHealth.CardMemoryWrite);
        }
    }
}
