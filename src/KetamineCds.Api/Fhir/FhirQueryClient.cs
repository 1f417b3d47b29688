using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using KetamineCds.Rules.Record;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Runs prefetch queries against the EHR's FHIR server with the request's bearer token, following <c>next</c> links.
/// Resilience (hedging, timeouts, retries, circuit breaker) comes from the HttpClient pipeline configured at start-up.
/// The token lives only in the outgoing request headers of this call.
/// </summary>
public sealed class FhirQueryClient(HttpClient http, CdsMetrics metrics)
{
    /// <summary>
    /// Runs a search (or a read) and hands each page to <paramref name="record"/>, which reads it entry by entry, so
    /// one bad resource costs only itself. Follows <c>next</c> links up to <paramref name="pageLimit"/> pages.
    /// </summary>
    /// <param name="tallies">Receives one tally per HTTP call (a page), for the request's hedge and retry counts.</param>
    /// <returns>Whether more pages were left unread at the page limit.</returns>
    public Task<bool> SearchAsync(Uri baseUrl, string relativeQuery, string? accessToken, int pageLimit, ICollection<FhirCallTally> tallies,
        RecordReader record, string source, CancellationToken cancellationToken) =>
        PagesAsync(baseUrl, new Uri(new Uri(baseUrl.ToString().TrimEnd('/') + "/"), relativeQuery), accessToken, pageLimit, tallies, record, source,
            cancellationToken);

    /// <summary>
    /// Reads the pages after a Bundle the EHR sent (a prefetch value with a <c>next</c> link) into the same record, up
    /// to <paramref name="pageLimit"/> more pages. The link must lie on the request's FHIR server: the token goes nowhere else.
    /// </summary>
    /// <returns>Whether more pages were left unread at the page limit.</returns>
    public Task<bool> ContinueAsync(Uri baseUrl, string nextLink, string? accessToken, int pageLimit, ICollection<FhirCallTally> tallies,
        RecordReader record, string source, CancellationToken cancellationToken) =>
        Uri.TryCreate(nextLink, UriKind.Absolute, out var next)
            ? PagesAsync(baseUrl, next, accessToken, pageLimit, tallies, record, source, cancellationToken)
            : throw new InvalidDataException("the next link of the Bundle is not an absolute URL");

    private async Task<bool> PagesAsync(Uri baseUrl, Uri first, string? accessToken, int pageLimit, ICollection<FhirCallTally> tallies,
        RecordReader record, string source, CancellationToken cancellationToken)
    {
        for (Uri? next = OnServer(baseUrl, first), page = null; next is not null; next = page)
        {
            if (pageLimit-- <= 0)
            {
                return true;
            }

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
            request.Options.Set(FhirRedirects.ServerKey, baseUrl);
            using var answer = await SendAsync(request, tally, cancellationToken);
            if (!record.Read(source, answer.RootElement))
            {
                throw new InvalidDataException("the FHIR server answered with something that is not a FHIR resource");
            }

            var link = NextLink(answer.RootElement);
            page = link is null || !Uri.TryCreate(link, UriKind.Absolute, out var absolute) ? null : OnServer(baseUrl, absolute);
        }

        return false;
    }

    // A link to another host would send the token there: refused, and named on the card.
    private static Uri OnServer(Uri baseUrl, Uri link) => FhirServerPolicy.IsUnder(baseUrl, link) ? link : throw new ForeignLinkException();

    /// <summary>A Bundle's <c>next</c> link (FHIR R4 §Paging), read from its JSON.</summary>
    public static string? NextLink(JsonElement bundle)
    {
        if (bundle.ValueKind != JsonValueKind.Object || !bundle.TryGetProperty("link", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind == JsonValueKind.Object && link.TryGetProperty("relation", out var relation) && relation.ValueKind == JsonValueKind.String
                && relation.ValueEquals("next") && link.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
            {
                return url.GetString();
            }
        }

        return null;
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

    /// <summary>One call (the pipeline's hedges and retries included), measured by outcome: its answer as JSON.</summary>
    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, FhirCallTally tally, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            JsonDocument answer;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                answer = await JsonDocument.ParseAsync(body, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException("the FHIR server answered with something that is not JSON", ex);
            }

            metrics.FhirCall(tally.Hedges > 0 ? "hedged" : tally.Retries > 0 ? "retried" : "ok", Stopwatch.GetElapsedTime(started));
            return answer;
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            metrics.FhirCall(FhirFailure.Kind(ex), Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
