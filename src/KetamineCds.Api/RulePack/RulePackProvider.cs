using KetamineCds.Api.Core;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.RulePack;

/// <summary>A pack that passed the gate, when it went live, what made it live, and what it changed over its test cases.</summary>
public sealed record LivePack(CompiledPack Pack, DateTimeOffset LoadedAt, int TestsPassed, string Trigger = RulePackProvider.StartUp, PackDiffResult? Impact = null);

/// <summary>One pack replacing another (or the first, at start-up), as the history of live packs records it.</summary>
public sealed record PackSwap(LivePack Live, CompiledPack? Previous);

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ReloadOutcome>))]
public enum ReloadOutcome
{
    /// <summary>The new pack passed the gate and is live.</summary>
    Swapped,
    /// <summary>The files changed but the pack's content did not (same hash); nothing to do.</summary>
    Unchanged,
    /// <summary>The new pack failed the gate; the previous pack keeps serving.</summary>
    Rejected,
}

/// <summary>The latest reload attempt, as the status endpoint shows it.</summary>
public sealed record ReloadAttempt(
    DateTimeOffset At,
    string Trigger,
    ReloadOutcome Outcome,
    string? PackVersion,
    string? ContentHash,
    IReadOnlyList<RuleFileError> Errors)
{
    /// <summary>For a swap: the cards gained, lost or changed by rule over the new pack's test cases.</summary>
    public string? Impact { get; init; }

    public IReadOnlyList<RuleImpact> ImpactByRule { get; init; } = [];
}

/// <summary>
/// Holds the live rule pack. The pack at start-up must pass the gate or the service does not start (fail fast,
/// like ValidateOnStart). Later packs replace it atomically only when they pass; a request reads
/// <see cref="Current"/> once and keeps that pack to its end, so a swap never mixes two packs in one answer.
/// </summary>
public sealed class RulePackProvider
{
    /// <summary>The trigger of the pack loaded when the service starts.</summary>
    public const string StartUp = "start-up";

    private readonly RulesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RulePackProvider> _logger;
    private readonly CdsMetrics _metrics;
    private readonly Lock _reloading = new();
    private volatile LivePack _live;
    private volatile ReloadAttempt? _lastReload;

    public RulePackProvider(IOptions<RulesOptions> options, TimeProvider time, CdsMetrics metrics, ILogger<RulePackProvider> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        var gate = RulePackGate.Run(_options.Path, _options.RunTests);
        if (gate.Pack is not { } pack)
        {
            throw new InvalidOperationException(
                $"The rule pack in '{_options.Path}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, gate.Errors)}");
        }

        _live = new LivePack(pack, time.GetUtcNow(), gate.TestsPassed);
        logger.RulePackLoaded(pack.Name, pack.Version, pack.Rules.Count, pack.ContentHash);
        metrics.ObserveRulePack(() => (Current.Name, Current.Version, Current.ContentHash));
    }

    public CompiledPack Current => _live.Pack;

    public LivePack Live => _live;

    /// <summary>
    /// Raised after each swap, on the reloading thread, inside the reload lock (so swaps arrive in order). Handlers only
    /// queue: the history recorder writes to the store off this thread.
    /// </summary>
    public event Action<PackSwap>? Swapped;

    /// <summary>The last reload attempt since start-up, or null when there has been none.</summary>
    public ReloadAttempt? LastReload => _lastReload;

    /// <summary>Re-reads the pack folder; swaps the new pack in only if it passes the gate. One reload at a time.</summary>
    public ReloadAttempt Reload(string trigger)
    {
        lock (_reloading)
        {
            var old = _live.Pack;
            var gate = RulePackGate.Run(_options.Path, _options.RunTests, live: old);
            var (pack, errors) = (gate.Pack, gate.Errors);
            var now = _time.GetUtcNow();
            ReloadAttempt attempt;
            if (pack is null)
            {
                attempt = new ReloadAttempt(now, trigger, ReloadOutcome.Rejected, null, null, errors);
                _logger.RulePackRejected(trigger, errors.Count, old.Name, old.Version, old.ContentHash);
                foreach (var error in errors)
                {
                    _logger.RulePackError(error.File, error.Line, error.RuleId ?? "-", error.Message);
                }
            }
            else if (pack.ContentHash == old.ContentHash)
            {
                attempt = new ReloadAttempt(now, trigger, ReloadOutcome.Unchanged, pack.Version, pack.ContentHash, []);
            }
            else
            {
                _live = new LivePack(pack, now, gate.TestsPassed, trigger, gate.Impact);
                attempt = new ReloadAttempt(now, trigger, ReloadOutcome.Swapped, pack.Version, pack.ContentHash, [])
                {
                    Impact = gate.Impact?.Summary,
                    ImpactByRule = gate.Impact?.PerRule ?? [],
                };
                _logger.RulePackSwapped(trigger, old.Name, old.Version, old.ContentHash, pack.Name, pack.Version, pack.ContentHash);
                Swapped?.Invoke(new PackSwap(_live, old));
            }

            _lastReload = attempt;
            _metrics.Reload(attempt.Outcome.ToString().ToLowerInvariant());
            return attempt;
        }
    }
}
