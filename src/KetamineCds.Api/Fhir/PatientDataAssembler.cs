using System.Diagnostics;
using Hl7.Fhir.Model;
using KetamineCds.Api.CdsHooks;
using Microsoft.Extensions.Options;
using KetamineCds.Api.Telemetry;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Builds the patient's record from prefetch, fetching every key the EHR did not supply (or answered with an
/// OperationOutcome) from fhirServer: all queries at once, under one deadline (spec §Prefetch P-12, P-13).
/// </summary>
public sealed class PatientDataAssembler(FhirQueryClient client, IOptions<FhirOptions> options, IHostEnvironment environment, ILogger<PatientDataAssembler> logger)
{
    /// <param name="observationsSince">The earliest observation the rules can read (from the pack), or null for all history.</param>
    public async Task<PatientData> AssembleAsync(CdsRequest request, DateTimeOffset? observationsSince, CancellationToken cancellationToken)
    {
        var resources = new List<Resource>();
        var missing = new List<PrefetchTemplate>();
        foreach (var template in CdsServiceCatalog.Templates)
        {
            switch (request.StateOf(template.Key))
            {
                case PrefetchState.Supplied:
                    resources.AddRange(ParsePrefetch(request, template.Key));
                    break;
                case PrefetchState.NotSupplied or PrefetchState.Failed:
                    missing.Add(template);
                    break;
            }
        }

        if (missing.Count == 0)
        {
            return new PatientData(resources, [], 0, TimeSpan.Zero);
        }

        if (request.FhirServer is null)
        {
            return Degrade(resources, missing, "no fhirServer was given to fetch them from", "no_fhir_server", 0, TimeSpan.Zero);
        }

        if (request.FhirServer.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
        {
            // CDS Hooks 2.0 §Security: production data only over TLS; the token must never travel in clear.
            logger.FhirServerNotAllowed(request.FhirServer.Host);
            return Degrade(resources, missing, "the fhirServer is not https", "fhir_not_https", 0, TimeSpan.Zero);
        }

        if (!IsAllowed(request.FhirServer))
        {
            logger.FhirServerNotAllowed(request.FhirServer.Host);
            return Degrade(resources, missing, "the fhirServer is not on this service's allowlist", "fhir_not_allowed", 0, TimeSpan.Zero);
        }

        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DeadlineMilliseconds);
        var queries = missing.Select(t => FetchAsync(request, t, observationsSince, deadline.Token)).ToList();
        var results = await System.Threading.Tasks.Task.WhenAll(queries);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var failed = new List<PrefetchTemplate>();
        foreach (var (template, fetched) in missing.Zip(results))
        {
            if (fetched is null)
            {
                failed.Add(template);
            }
            else
            {
                resources.AddRange(fetched);
            }
        }

        return Degrade(resources, failed, "the FHIR server failed or was too slow", "fhir_failed", missing.Count, elapsed);
    }

    private static List<Resource> ParsePrefetch(CdsRequest request, string key)
    {
        try
        {
            return FhirJson.Flatten(FhirJson.Parse(request.Prefetch[key]!.Value)).ToList();
        }
        catch (FormatException)
        {
            throw new CdsRequestInvalidException($"prefetch.{key} is not valid FHIR.");
        }
    }

    private static PatientData Degrade(List<Resource> resources, List<PrefetchTemplate> missing, string reason, string cause, int queries, TimeSpan elapsed)
    {
        var required = missing.Where(t => t.Required).Select(t => t.Key).ToList();
        if (required.Count > 0)
        {
            throw new RequiredDataUnavailableException(required, reason, cause);
        }

        return new PatientData(resources, missing.Select(t => t.Key).ToList(), queries, elapsed);
    }

    private async Task<List<Resource>?> FetchAsync(CdsRequest request, PrefetchTemplate template, DateTimeOffset? observationsSince, CancellationToken cancellationToken)
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
            return await client.SearchAsync(request.FhirServer!, query, request.AccessToken, options.Value.PageLimit, cancellationToken);
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            var kind = FhirFailure.Kind(ex);
            logger.FhirQueryFailed(template.Key, kind);
            span?.SetStatus(ActivityStatusCode.Error, kind);
            return null;
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
