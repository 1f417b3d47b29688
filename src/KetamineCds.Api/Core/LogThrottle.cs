namespace KetamineCds.Api.Core;

/// <summary>
/// One log line per interval for a failure that repeats on every call: the first occurrence is logged at once (the
/// line an operator needs), later ones are counted and logged with their count at most once per interval, and the end
/// of the run is logged with what was left uncounted. A line per call during an outage hides the one that matters.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _pending;
    private long _total;
    private DateTimeOffset _nextLine = DateTimeOffset.MinValue;

    /// <summary>Occurrences since start-up.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts one occurrence; when a line is due, how many it stands for (the first, then one per interval), else 0.</summary>
    public long Occurred()
    {
        lock (_gate)
        {
            _total++;
            _pending++;
            var now = time.GetUtcNow();
            if (now < _nextLine)
            {
                return 0;
            }

            _nextLine = now + interval;
            var due = _pending;
            _pending = 0;
            return due;
        }
    }

    /// <summary>Ends a run (the failure has stopped): the occurrences no line has counted yet; the next one is logged at once.</summary>
    public long Settle()
    {
        lock (_gate)
        {
            _nextLine = DateTimeOffset.MinValue;
            var left = _pending;
            _pending = 0;
            return left;
        }
    }
}
