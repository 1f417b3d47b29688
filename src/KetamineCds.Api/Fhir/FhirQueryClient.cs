using System.Diagnostics;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Runs prefetch queries against the EHR's FHIR server with the request's bearer token, following <c>next</c> links.
/// Resilience (hedging, timeouts, retries, circuit breaker) comes from the HttpClient pipeline configured at start-up.
/// The token lives only in the outgoing request headers of this call.
/// </summary>
public sealed class FhirQueryClient(HttpClient http, CdsMetrics metrics)
{
    /// <param name="tallies">Receives one tally per HTTP call (a page), for the request's hedge and retry counts.</param>
    public async Task<List<Resource>> SearchAsync(Uri baseUrl, string relativeQuery, string? accessToken, int pageLimit, ICollection<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        var resources = new List<Resource>();
        var next = new Uri(new Uri(baseUrl.ToString().TrimEnd('/') + "/"), relativeQuery);
        for (var page = 0; next is not null && page < pageLimit; page++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            if (accessToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }

            var tally = new FhirCallTally();
            lock (tallies)
            {
                tallies.Add(tally);
            }

            request.Options.Set(FhirCallTally.Key, tally);
            var resource = await SendAsync(request, tally, cancellationToken);
            resources.AddRange(FhirJson.Flatten(resource));
            var link = (resource as Bundle)?.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            next = link is null ? null : new Uri(link, UriKind.Absolute);
            if (next is not null && !next.ToString().StartsWith(baseUrl.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                // A next link to another host would send the token there; stop instead.
                throw new HttpRequestException("next link points outside the FHIR server");
            }
        }

        return resources;
    }

    /// <summary>
    /// One search through the whole pipeline (hedging, timeouts, the attempt observer) to a loopback listener at
    /// start-up, so its first real use is warm; not counted in the FHIR call metrics, since no EHR was called.
    /// </summary>
    internal async Task WarmUpAsync(Uri loopbackSearch, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(loopbackSearch, cancellationToken);
        FhirJson.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>One call (the pipeline's hedges and retries included), measured by outcome.</summary>
    private async Task<Resource> SendAsync(HttpRequestMessage request, FhirCallTally tally, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var resource = FhirJson.Parse(await response.Content.ReadAsStringAsync(cancellationToken))
                ?? throw new InvalidDataException("the FHIR server answered with something that is not a FHIR resource");
            metrics.FhirCall(tally.Hedges > 0 ? "hedged" : tally.Retries > 0 ? "retried" : "ok", Stopwatch.GetElapsedTime(started));
            return resource;
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            metrics.FhirCall(FhirFailure.Kind(ex), Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
