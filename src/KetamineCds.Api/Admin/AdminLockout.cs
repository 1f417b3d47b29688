using System.Collections.Concurrent;
using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Failed admin authentications per client address: after <see cref="AdminOptions.MaxFailedAttempts"/> wrong keys
/// within <see cref="AdminOptions.FailureWindowSeconds"/>, that address gets 429 for
/// <see cref="AdminOptions.LockoutSeconds"/>, the right key included (an answer that differed for it would be the
/// oracle a guesser needs). OWASP ASVS 4.0 §2.2.1: anti-automation against credential guessing.
/// </summary>
public sealed class AdminLockout(IOptions<AdminOptions> options, TimeProvider time)
{
    private readonly LogThrottle _failureLines = new(TimeSpan.FromSeconds(options.Value.FailureWindowSeconds), time);

    /// <summary>Addresses tracked at most; beyond it the stale ones are forgotten first, so a spray of addresses cannot exhaust memory.</summary>
    private const int MaxTracked = 10_000;

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
    }

    private readonly ConcurrentDictionary<string, Entry> _addresses = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="address"/> is locked out now; if so, for how much longer.</summary>
    public bool IsLockedOut(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_addresses.TryGetValue(address, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            retryAfter = entry.LockedUntil - time.GetUtcNow();
            return retryAfter > TimeSpan.Zero;
        }
    }

    /// <summary>Counts a wrong key from <paramref name="address"/>; true when it has just locked the address out.</summary>
    public bool Failed(string address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (_addresses.Count >= MaxTracked)
        {
            Forget(now);
        }

        var entry = _addresses.GetOrAdd(address, _ => new Entry { WindowStart = now });
        lock (entry)
        {
            if (now - entry.WindowStart > TimeSpan.FromSeconds(settings.FailureWindowSeconds))
            {
                (entry.Failures, entry.WindowStart) = (0, now);
            }

            if (++entry.Failures < settings.MaxFailedAttempts || entry.LockedUntil > now)
            {
                return false;
            }

            entry.LockedUntil = now + TimeSpan.FromSeconds(settings.LockoutSeconds);
            return true;
        }
    }

    /// <summary>After a wrong key: how many wrong keys one log line should report now (the first, then one line per window), else 0.</summary>
    public long FailureLine() => _failureLines.Occurred();

    /// <summary>The right key: the address's count starts again.</summary>
    public void Succeeded(string address) => _addresses.TryRemove(address, out _);

    private void Forget(DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(options.Value.FailureWindowSeconds);
        foreach (var (address, entry) in _addresses)
        {
            if (entry.LockedUntil <= now && now - entry.WindowStart > window)
            {
                _addresses.TryRemove(address, out _);
            }
        }
    }
}
