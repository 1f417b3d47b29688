using System.Net;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Follows a FHIR server's redirects itself, instead of the HTTP stack: only to a URL on the request's own
/// <c>fhirServer</c> (<see cref="FhirServerPolicy.IsUnder"/>), at most <see cref="MaxHops"/> times. A redirect anywhere
/// else (another host, another port, a path outside the base) is never followed, so neither the query nor the EHR's
/// token reaches an address the allow-list did not name (SSRF; RFC 9110 §15.4 leaves following to the client).
/// Sits innermost in the FHIR client's pipeline, so every hedged attempt is guarded alike.
/// </summary>
public sealed class FhirRedirects : DelegatingHandler
{
    /// <summary>The request's <c>fhirServer</c>, set on every query message; a message without it follows no redirect.</summary>
    public static readonly HttpRequestOptionsKey<Uri> ServerKey = new("ketamine-cds.fhir-server");

    /// <summary>Redirects followed for one query before it is given up: a server that moved its base needs one.</summary>
    public const int MaxHops = 3;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(ServerKey, out var server);
        var response = await base.SendAsync(request, cancellationToken);
        for (var hops = 0; IsRedirect(response.StatusCode); hops++)
        {
            var target = response.Headers.Location is { } location && request.RequestUri is { } from
                ? new Uri(from, location)
                : null;
            response.Dispose();
            if (target is null)
            {
                throw new FhirRedirectRefusedException("a redirect without a Location");
            }

            if (server is null || !FhirServerPolicy.IsUnder(server, target))
            {
                throw new FhirRedirectRefusedException("a redirect off the request's FHIR server");
            }

            if (hops == MaxHops)
            {
                throw new FhirRedirectRefusedException($"more than {MaxHops} redirects");
            }

            request = Follow(request, target);
            response = await base.SendAsync(request, cancellationToken);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    // Every FHIR query is a GET with no body, so each redirect kind (303 included) is the same GET at the new URL; the
    // headers (Accept, and the token, whose origin IsUnder has just confirmed) and the options (tally, server) go along.
    private static HttpRequestMessage Follow(HttpRequestMessage request, Uri target)
    {
        var next = new HttpRequestMessage(HttpMethod.Get, target) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
        {
            next.Headers.TryAddWithoutValidation(name, values);
        }

        foreach (var (key, value) in request.Options)
        {
            next.Options.Set(new HttpRequestOptionsKey<object?>(key), value);
        }

        return next;
    }
}

/// <summary>
/// A FHIR server answered with a redirect the service does not follow. Not an <see cref="HttpRequestException"/>: the
/// resilience pipeline neither retries it (the answer would be the same) nor counts it against the server's circuit.
/// </summary>
public sealed class FhirRedirectRefusedException(string reason) : IOException($"FHIR redirect refused: {reason}");
