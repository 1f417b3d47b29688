using System.Diagnostics;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// What happened to one FHIR call inside the resilience pipeline: how many attempts it took, and whether each extra
/// attempt was a hedge (sent while an earlier one was still waiting) or a retry (sent after one failed).
/// Travels on the request message, which the hedging strategy copies for every attempt.
/// </summary>
public sealed class FhirCallTally
{
    public static readonly HttpRequestOptionsKey<FhirCallTally> Key = new("ketamine-cds.fhir-call");

    private int _attempts;
    private int _inFlight;
    private int _hedges;
    private int _retries;

    public int Attempts => Volatile.Read(ref _attempts);
    public int Hedges => Volatile.Read(ref _hedges);
    public int Retries => Volatile.Read(ref _retries);

    internal void Started()
    {
        var earlier = Interlocked.Increment(ref _attempts) - 1;
        var waiting = Interlocked.Increment(ref _inFlight) - 1;
        if (earlier > 0)
        {
            _ = waiting > 0 ? Interlocked.Increment(ref _hedges) : Interlocked.Increment(ref _retries);
        }
    }

    internal void Ended() => Interlocked.Decrement(ref _inFlight);
}

/// <summary>
/// Sits inside the hedging pipeline, so it sees every attempt: tallies it for the call, and feeds the time of each
/// answered attempt to <see cref="FhirLatency"/>, from which the next hedge delay for that server is derived.
/// </summary>
public sealed class FhirAttemptObserver(FhirLatency latency) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(FhirCallTally.Key, out var tally);
        tally?.Started();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500 && request.RequestUri is { } uri)
            {
                latency.Record(uri, Stopwatch.GetElapsedTime(started));
            }

            return response;
        }
        finally
        {
            tally?.Ended();
        }
    }
}
