using System.Collections.Concurrent;
using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Store;

/// <summary>
/// How the store is doing, as each of its users finds it: every operation (audit write, card memory read and write,
/// replay check, pack history write) reports each attempt here. An operation whose last attempt failed is failing
/// until one succeeds. Failures are logged through <see cref="LogThrottle"/>: the first of an outage at once, then one
/// line per <see cref="StoreOptions.FailureLogSeconds"/> with the count, and a closing line when it recovers; never a
/// line per call. Readiness (Degraded) and the metrics read <see cref="Report"/>.
/// </summary>
public sealed class StoreHealth(IOptions<StoreOptions> options, TimeProvider time, ILogger<StoreHealth> logger)
{
    public const string AuditWrite = "audit write";
    public const string CardMemoryRead = "card memory read";
    public const string CardMemoryWrite = "card memory write";
    public const string ReplayCheck = "replay check";
    public const string PackHistoryWrite = "pack history write";

    private sealed record Queue(Func<int> Depth, int Capacity, Func<long> Dropped);

    private sealed class Operation(LogThrottle lines)
    {
        public LogThrottle Lines { get; } = lines;
        public DateTimeOffset? FailingSince { get; set; }
    }

    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private int _failing;

    /// <summary>A write-behind queue whose depth counts toward readiness (above <see cref="StoreOptions.DegradedQueuePercent"/> of its capacity).</summary>
    public void ObserveQueue(string name, Func<int> depth, int capacity, Func<long> dropped) => _queues[name] = new Queue(depth, capacity, dropped);

    /// <summary>One attempt of <paramref name="operation"/> failed (the store is unavailable).</summary>
    public void Failed(string operation)
    {
        var state = Of(operation);
        lock (state)
        {
            if (state.FailingSince is null)
            {
                state.FailingSince = time.GetUtcNow();
                Interlocked.Increment(ref _failing);
            }
        }

        if (state.Lines.Occurred() is var count and > 0)
        {
            logger.StoreOperationFailing(operation, count, options.Value.FailureLogSeconds, state.Lines.Total);
        }
    }

    /// <summary>
    /// One attempt of <paramref name="operation"/> succeeded: it has recovered, and says so once. A write that succeeds
    /// proves the one database behind every operation takes writes again, so it clears the others too (an idle replica's
    /// card memory would otherwise read as failing until its next call); a read clears only itself (a full disk still reads).
    /// </summary>
    public void Succeeded(string operation)
    {
        if (Volatile.Read(ref _failing) == 0)
        {
            return; // the common case: nothing is failing
        }

        var write = operation != CardMemoryRead;
        foreach (var (name, state) in _operations)
        {
            if (name == operation || write)
            {
                Recover(name, state);
            }
        }
    }

    private void Recover(string operation, Operation state)
    {
        DateTimeOffset since;
        lock (state)
        {
            if (state.FailingSince is not { } failingSince)
            {
                return;
            }

            since = failingSince;
            state.FailingSince = null;
            Interlocked.Decrement(ref _failing);
        }

        var unlogged = state.Lines.Settle();
        var seconds = Math.Round((time.GetUtcNow() - since).TotalSeconds, 1);
        logger.StoreOperationRecovered(operation, seconds, unlogged);
    }

    /// <summary>Failures since start-up of one operation (kcds.store.failures).</summary>
    public IEnumerable<(string Operation, long Failures)> FailureTotals() => _operations.Select(o => (o.Key, o.Value.Lines.Total));

    /// <summary>Depth and records dropped of each observed queue.</summary>
    public IEnumerable<(string Queue, int Depth, long Dropped)> Queues() => _queues.Select(q => (q.Key, q.Value.Depth(), q.Value.Dropped()));

    /// <summary>What is wrong now, in an operator's words; empty when all is well.</summary>
    public IReadOnlyList<string> Report()
    {
        var now = time.GetUtcNow();
        var problems = new List<string>();
        foreach (var (name, state) in _operations.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (state.FailingSince is { } since)
            {
                problems.Add($"{name} failing for {Math.Max(0, (now - since).TotalSeconds):0} s ({state.Lines.Total} failures since start)");
            }
        }

        foreach (var (name, queue) in _queues.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            var depth = queue.Depth();
            if (depth * 100L > queue.Capacity * (long)options.Value.DegradedQueuePercent)
            {
                problems.Add($"{name} queue at {depth} of {queue.Capacity}");
            }
        }

        return problems;
    }

    private Operation Of(string operation) =>
        _operations.GetOrAdd(operation, _ => new Operation(new LogThrottle(TimeSpan.FromSeconds(options.Value.FailureLogSeconds), time)));
}
