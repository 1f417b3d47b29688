using KetamineCds.Api.Core;
using System.Diagnostics;
using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.CdsHooks;
using Microsoft.Extensions.Options;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Builds the patient's record from prefetch, fetching every key the EHR did not supply (or answered with an
/// OperationOutcome) from fhirServer: all queries at once, hedged, under one deadline (spec §Prefetch P-12, P-13).
/// What cannot be had is reported, not hidden: the answer rests on the data that arrived and names what is missing,
/// and only a request with nothing to evaluate is refused (412).
/// </summary>
public sealed class PatientDataAssembler(FhirQueryClient client, IOptions<FhirOptions> options, IHostEnvironment environment, ILogger<PatientDataAssembler> logger)
{
    private sealed record Fetched(PrefetchTemplate Template, List<Resource>? Resources, string? FailureKind);

    /// <param name="observationsSince">The earliest observation the rules can read (from the pack), or null for all history.</param>
    public async Task<PatientData> AssembleAsync(CdsRequest request, DateTimeOffset? observationsSince, CancellationToken cancellationToken)
    {
        var resources = new List<Resource>();
        var missing = new List<PrefetchTemplate>();
        var supplied = 0;
        foreach (var template in CdsServiceCatalog.Templates)
        {
            switch (request.StateOf(template.Key))
            {
                case PrefetchState.Supplied:
                    resources.AddRange(ParsePrefetch(request, template.Key));
                    supplied++;
                    break;
                case PrefetchState.NotSupplied or PrefetchState.Failed:
                    missing.Add(template);
                    break;
                default:
                    supplied++; // null: the EHR says there is no data, which is an answer
                    break;
            }
        }

        if (missing.Count == 0)
        {
            return new PatientData(resources, [], 0, TimeSpan.Zero);
        }

        if (request.FhirServer is null)
        {
            return CannotFetch(resources, missing, "not prefetched, and no fhirServer was given to fetch it from", "no_fhir_server");
        }

        if (request.FhirServer.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
        {
            // CDS Hooks 2.0 §Security: production data only over TLS; the token must never travel in clear.
            logger.FhirServerNotAllowed(request.FhirServer.Host);
            return CannotFetch(resources, missing, "not prefetched, and the fhirServer is not https", "fhir_not_https");
        }

        if (!IsAllowed(request.FhirServer))
        {
            logger.FhirServerNotAllowed(request.FhirServer.Host);
            return CannotFetch(resources, missing, "not prefetched, and the fhirServer is not on this service's allowlist", "fhir_not_allowed");
        }

        var started = Stopwatch.GetTimestamp();
        var tallies = new List<FhirCallTally>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DeadlineMilliseconds);
        var fetched = await Task.WhenAll(missing.Select(t => FetchAsync(request, t, observationsSince, tallies, deadline.Token)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested(); // the EHR hung up: nothing to answer

        var failed = fetched.Where(f => f.Resources is null).ToList();
        if (failed.FirstOrDefault(f => f.FailureKind == "refused") is not null)
        {
            // The server refused the EHR's token: no amount of waiting helps, and the EHR must know (412, not partial).
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key)], "the FHIR server refused the access token", "fhir_refused");
        }

        if (failed.Count == fetched.Length && supplied == 0)
        {
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key)], FhirFailure.Describe(failed[0].FailureKind!), "fhir_failed");
        }

        foreach (var success in fetched.Where(f => f.Resources is not null))
        {
            resources.AddRange(success.Resources!);
        }

        var unavailable = failed.Select(f => Unavailable(f.Template, FhirFailure.Describe(f.FailureKind!))).ToList();
        return new PatientData(resources, unavailable, missing.Count, elapsed,
            Hedged: tallies.Sum(t => t.Hedges), Retried: tallies.Sum(t => t.Retries), TimedOut: failed.Count(f => f.FailureKind == "timed_out"));
    }

    private static List<Resource> ParsePrefetch(CdsRequest request, string key)
    {
        try
        {
            return FhirJson.Flatten(FhirJson.Parse(request.Prefetch[key]!.Value)).ToList();
        }
        catch (FormatException)
        {
            throw new InvalidRequestBodyException($"prefetch.{key} is not valid FHIR.");
        }
    }

    /// <summary>Data that cannot be fetched at all: 412 when any of it is required, else an answer that names it.</summary>
    private static PatientData CannotFetch(List<Resource> resources, List<PrefetchTemplate> missing, string reason, string cause)
    {
        var required = missing.Where(t => t.Required).Select(t => t.Key).ToList();
        if (required.Count > 0)
        {
            throw new RequiredDataUnavailableException(required, reason, cause);
        }

        return new PatientData(resources, [.. missing.Select(t => Unavailable(t, reason))], 0, TimeSpan.Zero);
    }

    private static UnavailableData Unavailable(PrefetchTemplate template, string reason) =>
        new(template.Key, template.Query.Split('?', '/')[0], reason);

    private async Task<Fetched> FetchAsync(CdsRequest request, PrefetchTemplate template, DateTimeOffset? observationsSince, List<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        var query = PrefetchTokens.Substitute(template.Query, request);
        if (template.RecentObservationsOnly && observationsSince is { } since)
        {
            query += $"&date=ge{since:yyyy-MM-dd}";
        }

        // One span per prefetch query: its key and resource type only, never the URL (it carries the patient id).
        using var span = CdsMetrics.Traces.StartActivity($"fhir.search {template.Key}", ActivityKind.Internal);
        span?.SetTag("fhir.prefetch_key", template.Key);
        span?.SetTag("fhir.resource_type", template.Query.Split('?', '/')[0]);
        try
        {
            return new Fetched(template, await client.SearchAsync(request.FhirServer!, query, request.AccessToken, options.Value.PageLimit, tallies, cancellationToken), null);
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            var kind = FhirFailure.Kind(ex);
            logger.FhirQueryFailed(template.Key, kind);
            span?.SetStatus(ActivityStatusCode.Error, kind);
            return new Fetched(template, null, kind);
        }
    }

    private bool IsAllowed(Uri server)
    {
        var allowed = options.Value.AllowedServers;
        if (allowed.Count == 0)
        {
            return environment.IsDevelopment();
        }

        var text = server.ToString().TrimEnd('/');
        return allowed.Any(a => text.Equals(a.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
