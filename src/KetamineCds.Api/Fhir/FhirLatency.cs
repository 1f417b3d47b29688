using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Recent answer times per FHIR server (scheme, host and port), and the hedge delay derived from them: the 90th
/// percentile of the last <see cref="Window"/> answered attempts, never below <see cref="FhirOptions.HedgeDelayFloorMilliseconds"/>.
/// A search slower than nine in ten of its server's recent ones is probably stuck behind something (a busy worker, a
/// lost packet); a second copy sent then usually answers first (Dean and Barroso, "The Tail at Scale", CACM 2013).
/// </summary>
public sealed class FhirLatency(IOptions<FhirOptions> options)
{
    public const int Window = 64;

    private sealed class Samples
    {
        public readonly double[] Milliseconds = new double[Window];
        public int Count;
        public int Next;
    }

    private readonly ConcurrentDictionary<string, Samples> _servers = new(StringComparer.OrdinalIgnoreCase);

    public void Record(Uri request, TimeSpan elapsed)
    {
        var samples = _servers.GetOrAdd(request.GetLeftPart(UriPartial.Authority), _ => new Samples());
        lock (samples)
        {
            samples.Milliseconds[samples.Next] = elapsed.TotalMilliseconds;
            samples.Next = (samples.Next + 1) % Window;
            samples.Count = Math.Min(samples.Count + 1, Window);
        }
    }

    public TimeSpan HedgeDelay(Uri? request)
    {
        var floor = options.Value.HedgeDelayFloorMilliseconds;
        if (request is null || !_servers.TryGetValue(request.GetLeftPart(UriPartial.Authority), out var samples))
        {
            return TimeSpan.FromMilliseconds(floor);
        }

        double[] recent;
        lock (samples)
        {
            recent = samples.Milliseconds[..samples.Count];
        }

        if (recent.Length < 8)
        {
            // Too few answers to know the server: the floor, so a cold server's slow first calls are hedged early.
            return TimeSpan.FromMilliseconds(floor);
        }

        Array.Sort(recent);
        var p90 = recent[(int)Math.Ceiling(0.9 * recent.Length) - 1];
        return TimeSpan.FromMilliseconds(Math.Max(floor, p90));
    }
}
