namespace KetamineCds.Api.Telemetry;

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt; a call that needed more than one is "retried" in
/// the FHIR call metric. The count travels on the request message, which the retry strategy sends again.
/// </summary>
public sealed class FhirAttemptCounter : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<int[]> Attempts = new("ketamine-cds.attempts");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Attempts, out var attempts))
        {
            Interlocked.Increment(ref attempts[0]);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
