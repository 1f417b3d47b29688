using System.Collections.Concurrent;

namespace KetamineCds.Api.Auth;

/// <summary>Remembers <c>jti</c> values for their token's lifetime so a captured token cannot be replayed.</summary>
public interface IReplayCache
{
    /// <summary>True the first time a (issuer, jti) is seen before <paramref name="expiresAt"/>; false for a replay.</summary>
    Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

/// <summary>
/// In-process replay cache: the fallback of <see cref="StoreReplayCache"/> while the shared store is unreachable.
/// </summary>
public sealed class InMemoryReplayCache(TimeProvider time) : IReplayCache
{
    public Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Task.FromResult(TryAdd(issuer, jti, expiresAt));

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _lastSweep;

    public bool TryAdd(string issuer, string jti, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var key = $"{issuer}\n{jti}";
        if (_seen.TryAdd(key, expiresAt))
        {
            return true;
        }

        // A jti seen before but already expired could be re-admitted; the token itself is expired then, so refuse anyway.
        return false;
    }

    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, expires) in _seen)
        {
            if (expires < now.AddMinutes(-5))
            {
                _seen.TryRemove(key, out _);
            }
        }
    }
}
