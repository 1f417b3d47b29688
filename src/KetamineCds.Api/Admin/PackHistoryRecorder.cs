using System.Threading.Channels;
using KetamineCds.Api.Core;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Evaluation;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Writes every pack that goes live on this replica to the history of live packs: the pack at start-up, then each
/// swap in the order the provider made them. Off the reload path (a reload never waits on the store), and retried
/// while the store is down, so a history entry arrives late rather than not at all.
/// </summary>
public sealed class PackHistoryRecorder : BackgroundService
{
    /// <summary>
    /// This replica as the history names it: the host name (the pod's name under Kubernetes) and the process id, so two
    /// processes on one machine are told apart too.
    /// </summary>
    public static readonly string Replica = $"{Environment.MachineName}:{Environment.ProcessId}";

    private readonly Channel<PackSwap> _swaps = Channel.CreateUnbounded<PackSwap>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ICdsStore _store;
    private readonly IOptions<StoreOptions> _storeOptions;
    private readonly TimeProvider _time;
    private readonly ILogger<PackHistoryRecorder> _logger;
    private readonly StoreHealth _health;

    public PackHistoryRecorder(RulePackProvider packs, ICdsStore store, StoreHealth health, IOptions<StoreOptions> storeOptions, TimeProvider time, ILogger<PackHistoryRecorder> logger)
    {
        (_store, _health, _storeOptions, _time, _logger) = (store, health, storeOptions, time, logger);
        // The start-up pack first, then every later swap: subscribed here, before any reload can happen.
        _swaps.Writer.TryWrite(new PackSwap(packs.Live, Previous: null));
        packs.Swapped += swap => _swaps.Writer.TryWrite(swap);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var swap in _swaps.Reader.ReadAllAsync(stoppingToken))
            {
                await RecordAsync(swap, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a swap not yet written is in the log (event 16).
        }
    }

    private async Task RecordAsync(PackSwap swap, CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(_storeOptions.Value.RetrySeconds);
        while (true)
        {
            try
            {
                await _store.RecordPackSwapAsync(await EntryAsync(swap, stoppingToken), stoppingToken);
                _health.Succeeded(StoreHealth.PackHistoryWrite);
                return;
            }
            catch (StoreUnavailableException)
            {
                _health.Failed(StoreHealth.PackHistoryWrite);
                await Task.Delay(retry, _time, stoppingToken);
            }
        }
    }

    private async Task<PackHistoryEntry> EntryAsync(PackSwap swap, CancellationToken stoppingToken)
    {
        var pack = swap.Live.Pack;
        var rules = pack.Rules.Select(r => new RuleVersion(r.Id, r.Version, pack.RuleContentHashes[r.Id])).ToList();
        var (oldPack, oldHash, impact) = (swap.Previous?.Label, swap.Previous?.ContentHash, swap.Live.Impact?.Summary);
        if (swap.Previous is null)
        {
            // At start-up the pack replaced is the last one recorded by any replica: what was live before this process.
            var last = (await _store.PackHistoryAsync(_time.GetUtcNow(), 1, stoppingToken)).FirstOrDefault();
            (oldPack, oldHash) = (last?.NewPack, last?.NewHash);
            impact = UnversionedSince(last, pack);
        }

        return new PackHistoryEntry(TimeOrderedId.New(), swap.Live.LoadedAt, Replica, swap.Live.Trigger, oldPack, oldHash, pack.Label,
            pack.ContentHash, rules, impact);
    }

    // A pack edited while the service was down never passed the reload gate: its unversioned changes are named here
    // and in the log, since refusing to start would leave the EHR with no service at all.
    private string? UnversionedSince(PackHistoryEntry? last, CompiledPack pack)
    {
        if (last is null)
        {
            return null;
        }

        var unversioned = PackDiff.Unversioned(last.Rules.ToDictionary(r => r.Id, r => (r.Version, r.ContentHash), StringComparer.Ordinal), pack);
        foreach (var rule in unversioned)
        {
            _logger.RuleUnversionedAtStartUp(rule.RuleId, rule.Version);
        }

        return unversioned.Count == 0 ? null
            : "changed without a new version since the last recorded pack: " + string.Join(", ", unversioned.Select(r => $"{r.RuleId}@{r.Version}"));
    }
}
