using System.Diagnostics;
using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Builds the patient's record from prefetch, fetching every key the EHR did not supply (or answered with an
/// OperationOutcome, or sent in a shape that cannot be read) from fhirServer: all queries at once, hedged, under one
/// deadline (spec §Prefetch P-12, P-13), then the Medications that references point to and no answer carried. Every
/// value is read entry by entry through the pack's record filter: only what a rule can read is built, and a bad
/// entry is set aside and named while the rest is advised on. What cannot be had is reported, not hidden: the answer
/// rests on the data that arrived and names what is missing, and only a request with nothing to evaluate is refused (412).
/// </summary>
public sealed class PatientDataAssembler(FhirQueryClient client, IOptions<FhirOptions> options, IHostEnvironment environment, ILogger<PatientDataAssembler> logger)
{
    private sealed record Fetched(PrefetchTemplate Template, RecordReader? Record, string? FailureKind, bool Truncated = false);

    /// <param name="pack">The live pack: its record filter decides what is built, its look-back what is fetched.</param>
    /// <param name="draftMedications">Medication references of the draft orders that their bundle does not resolve.</param>
    public async Task<PatientData> AssembleAsync(CdsRequest request, CompiledPack pack, DateTimeOffset now, IReadOnlyList<string> draftMedications,
        CancellationToken cancellationToken)
    {
        var filter = pack.RecordFilter(now);
        var read = new List<RecordReader>();
        var unavailable = new List<UnavailableData>();
        var missing = new List<PrefetchTemplate>();
        var supplied = 0;
        foreach (var template in CdsServiceCatalog.Templates(pack))
        {
            switch (request.StateOf(template.Key))
            {
                case PrefetchState.Supplied:
                    var record = new RecordReader(filter);
                    if (record.Read($"prefetch {template.Key}", request.Prefetch[template.Key]!.Value))
                    {
                        read.Add(record);
                        supplied++;
                        // An error OperationOutcome inside the Bundle: the EHR says part of this key is missing.
                        unavailable.AddRange(record.Failures.Select(failure => Unavailable(template, $"the EHR reported an error for part of it ({failure})")));
                    }
                    else
                    {
                        // The value as a whole cannot be read: fetched instead when a FHIR server is given.
                        missing.Add(template);
                    }

                    break;
                case PrefetchState.NotSupplied or PrefetchState.Failed:
                    missing.Add(template);
                    break;
                default:
                    supplied++; // null: the EHR says there is no data, which is an answer
                    break;
            }
        }

        if (missing.Count == 0 && draftMedications.Count == 0 && UnresolvedMedications(read, []).Count == 0)
        {
            return Combine(read, unavailable, 0, TimeSpan.Zero, []);
        }

        string? refusal = null;
        if (request.FhirServer is null || !MayCall(request.FhirServer, out refusal))
        {
            var reason = refusal ?? "not prefetched, and no fhirServer was given to fetch it from";
            var cause = request.FhirServer is null ? "no_fhir_server" : request.FhirServer.Scheme != Uri.UriSchemeHttps ? "fhir_not_https" : "fhir_not_allowed";
            var required = missing.Where(t => t.Required).Select(t => t.Key).ToList();
            if (required.Count > 0)
            {
                throw new RequiredDataUnavailableException(required, reason, cause);
            }

            unavailable.AddRange(missing.Select(t => Unavailable(t, reason)));
            return Combine(read, unavailable, 0, TimeSpan.Zero, []);
        }

        var started = Stopwatch.GetTimestamp();
        var tallies = new List<FhirCallTally>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DeadlineMilliseconds);
        var fetched = await Task.WhenAll(missing.SelectMany(t => Searches(t, now)).Select(s => FetchAsync(request, s.Template, s.Query, s.Source, filter, tallies, deadline.Token)));
        cancellationToken.ThrowIfCancellationRequested(); // the EHR hung up: nothing to answer

        var failed = fetched.Where(f => f.Record is null).ToList();
        if (failed.Any(f => f.FailureKind == "refused"))
        {
            // The server refused the EHR's token: no amount of waiting helps, and the EHR must know (412, not partial).
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key).Distinct()], "the FHIR server refused the access token", "fhir_refused");
        }

        if (missing.Count > 0 && fetched.Length > 0 && failed.Count == fetched.Length && supplied == 0)
        {
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key).Distinct()], FhirFailure.Describe(failed[0].FailureKind!), "fhir_failed");
        }

        read.AddRange(fetched.Where(f => f.Record is not null).Select(f => f.Record!));
        unavailable.AddRange(failed.Select(f => Unavailable(f.Template, FhirFailure.Describe(f.FailureKind!))).DistinctBy(u => (u.Key, u.Reason)));
        unavailable.AddRange(fetched.Where(f => f.Truncated).Select(f =>
            Unavailable(f.Template, $"only the first {options.Value.PageLimit} pages of the search were read (Fhir:PageLimit)")));
        unavailable.AddRange(fetched.Where(f => f.Record is not null).SelectMany(f => f.Record!.Failures.Select(failure =>
            Unavailable(f.Template, $"the FHIR server reported an error for part of it ({failure})"))));

        // The Medications that orders, statements, administrations, dispenses and drafts name but no answer carried:
        // read one by one, in parallel, inside what is left of the deadline (US Core: Medication/{id}).
        var references = UnresolvedMedications(read, draftMedications);
        var medications = await ReadMedicationsAsync(request, references, tallies, deadline.Token);
        read.AddRange(medications);

        return Combine(read, unavailable, missing.Count + references.Count, Stopwatch.GetElapsedTime(started), tallies) with
        {
            TimedOut = failed.Count(f => f.FailureKind == "timed_out"),
        };
    }

    private static PatientData Combine(List<RecordReader> read, List<UnavailableData> unavailable, int queries, TimeSpan elapsed, List<FhirCallTally> tallies)
    {
        var byFullUrl = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var (url, resource) in read.SelectMany(r => r.ByFullUrl))
        {
            byFullUrl.TryAdd(url, resource);
        }

        return new PatientData([.. read.SelectMany(r => r.Resources)], unavailable, queries, elapsed,
            Hedged: tallies.Sum(t => t.Hedges), Retried: tallies.Sum(t => t.Retries))
        {
            SetAside = [.. read.SelectMany(r => r.SetAside)],
            ByFullUrl = byFullUrl,
            Skipped = read.Sum(r => r.Skipped),
        };
    }

    /// <summary>Medication references (relative, <c>Medication/{id}</c>) that nothing read so far resolves.</summary>
    private static List<string> UnresolvedMedications(List<RecordReader> read, IReadOnlyList<string> draftMedications)
    {
        var record = new PatientRecord(read.SelectMany(r => r.Resources), byFullUrl: read.SelectMany(r => r.ByFullUrl).DistinctBy(e => e.Key)
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        return [.. record.Medications.UnresolvedReferences(record).Concat(draftMedications.Where(r => record.Medications.Resolve(r) is null))
            .Select(MedicationId).OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    // "Medication/ket50" or "https://ehr.example.org/fhir/Medication/ket50" → "Medication/ket50"; anything else (urn:uuid, another type) → null.
    private static string? MedicationId(string reference)
    {
        var parts = reference.Split("/_history/")[0].TrimEnd('/').Split('/');
        return parts.Length >= 2 && parts[^2] == "Medication" && parts[^1].Length > 0 ? $"Medication/{Uri.EscapeDataString(parts[^1])}" : null;
    }

    private async Task<List<RecordReader>> ReadMedicationsAsync(CdsRequest request, List<string> references, List<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(references.Select(async reference =>
        {
            var record = new RecordReader();
            try
            {
                await client.SearchAsync(request.FhirServer!, reference, request.AccessToken, 1, tallies, record, "FHIR read Medication", cancellationToken);
                return record;
            }
            catch (Exception ex) when (FhirFailure.IsExpected(ex))
            {
                // Not fatal: the medication stays unidentified, and every check over medications says so.
                logger.FhirQueryFailed("medication", FhirFailure.Kind(ex));
                return null;
            }
        }));
        return [.. reads.OfType<RecordReader>()];
    }

    private static UnavailableData Unavailable(PrefetchTemplate template, string reason) => new(template.Key, template.ResourceType, reason);

    /// <summary>
    /// The searches that fetch a key: its query; for observations, one search per category the pack reads, each asking
    /// only as far back as the rules read that category (the course's scores: all history; vital signs: a year).
    /// </summary>
    private static IEnumerable<(PrefetchTemplate Template, string Query, string Source)> Searches(PrefetchTemplate template, DateTimeOffset now)
    {
        if (template.ObservationCategories is not { Count: > 0 } categories)
        {
            return [(template, template.Query, $"FHIR search {template.Key}")];
        }

        var path = template.Query[..template.Query.IndexOf("&category=", StringComparison.Ordinal)];
        return categories.Select(c => (template, $"{path}&category={c.Category}" + (c.Window is { } window ? $"&date=ge{window.Since(now):yyyy-MM-dd}" : ""),
            $"FHIR search {template.Key} ({c.Category})"));
    }

    private async Task<Fetched> FetchAsync(CdsRequest request, PrefetchTemplate template, string query, string source, IRecordFilter filter,
        List<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        query = PrefetchTokens.Substitute(query, request);

        // One span per prefetch query: its key and resource type only, never the URL (it carries the patient id).
        using var span = CdsMetrics.Traces.StartActivity($"fhir.search {template.Key}", ActivityKind.Internal);
        span?.SetTag("fhir.prefetch_key", template.Key);
        span?.SetTag("fhir.resource_type", template.ResourceType);
        var record = new RecordReader(filter);
        try
        {
            var truncated = await client.SearchAsync(request.FhirServer!, query, request.AccessToken, options.Value.PageLimit, tallies, record,
                source, cancellationToken);
            return new Fetched(template, record, null, truncated);
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            var kind = FhirFailure.Kind(ex);
            logger.FhirQueryFailed(template.Key, kind);
            span?.SetStatus(ActivityStatusCode.Error, kind);
            return new Fetched(template, null, kind);
        }
    }

    /// <summary>Whether the service may call this FHIR server on the request's say-so; if not, why, in the card's words.</summary>
    private bool MayCall(Uri server, out string? refusal)
    {
        refusal = null;
        if (server.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
        {
            // CDS Hooks 2.0 §Security: production data only over TLS; the token must never travel in clear.
            logger.FhirServerNotAllowed(server.Host);
            refusal = "not prefetched, and the fhirServer is not https";
            return false;
        }

        var allowed = options.Value.AllowedServers;
        var text = server.ToString().TrimEnd('/');
        if (allowed.Count == 0 ? !environment.IsDevelopment() : !allowed.Any(a => text.Equals(a.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
        {
            logger.FhirServerNotAllowed(server.Host);
            refusal = "not prefetched, and the fhirServer is not on this service's allowlist";
            return false;
        }

        return true;
    }
}
