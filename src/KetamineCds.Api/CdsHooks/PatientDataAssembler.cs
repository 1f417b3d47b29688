using System.Diagnostics;
using Hl7.Fhir.Model;
using KetamineCds.Api.Auth;
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
    /// <param name="Continued">The pages after a prefetch Bundle's first: its record was already counted with the prefetch.</param>
    private sealed record Fetched(PrefetchTemplate Template, RecordReader? Record, string? FailureKind, bool Truncated = false, bool Continued = false);

    /// <param name="pack">The live pack: its record filter decides what is built, its look-back what is fetched.</param>
    /// <param name="profile">The caller's EHR: the keys it serves, whether it honours <c>_include</c>.</param>
    /// <param name="draftMedications">Medication references of the draft orders that their bundle does not resolve.</param>
    public async Task<PatientData> AssembleAsync(CdsRequest request, CompiledPack pack, EhrProfile profile, DateTimeOffset now,
        IReadOnlyList<string> draftMedications, CancellationToken cancellationToken)
    {
        var filter = pack.RecordFilter(now);
        var intake = PrefetchIntake.Of(request, CdsServiceCatalog.Templates(pack, profile), filter);
        var (read, unavailable, missing) = (intake.Read, intake.Unavailable, intake.Missing);
        if (missing.Count == 0 && intake.Continuations.Count == 0 && draftMedications.Count == 0 && UnresolvedMedications(read, []).Count == 0)
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

            unavailable.AddRange(missing.Select(t => UnavailableData.Of(t, reason)));
            unavailable.AddRange(intake.Continuations.Select(c => UnavailableData.Of(c.Template,
                $"the EHR sent only its first page, and the rest could not be fetched ({(refusal ?? "no fhirServer was given").Replace("not prefetched, and ", "", StringComparison.Ordinal)})")));
            return Combine(read, unavailable, 0, TimeSpan.Zero, []);
        }

        var started = Stopwatch.GetTimestamp();
        var tallies = new List<FhirCallTally>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DeadlineMilliseconds);
        var searches = missing.Select(t => FetchAsync(request, t, Search(t, now), $"FHIR search {t.Key}", filter, tallies, deadline.Token));
        // Prefetch Bundles that continue on a next page (spec §Prefetch): the rest read from the same server, in the same deadline.
        var rest = intake.Continuations.Select(c => ContinueAsync(request, c, tallies, deadline.Token));
        var fetched = await Task.WhenAll(searches.Concat(rest));
        cancellationToken.ThrowIfCancellationRequested(); // the EHR hung up: nothing to answer

        var failed = fetched.Where(f => f.Record is null).ToList();
        if (failed.Any(f => f.FailureKind == "refused"))
        {
            // 401: the server refused the EHR's token itself; no amount of waiting helps, and the EHR must know (412, not partial).
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key).Distinct()], "the FHIR server refused the access token", "fhir_refused");
        }

        if (missing.Count > 0 && failed.Count == fetched.Length && intake.Supplied == 0)
        {
            throw new RequiredDataUnavailableException([.. failed.Select(f => f.Template.Key).Distinct()], FhirFailure.Describe(failed[0].FailureKind!), "fhir_failed");
        }

        read.AddRange(fetched.Where(f => f.Record is not null && !f.Continued).Select(f => f.Record!));
        unavailable.AddRange(failed.Select(f => UnavailableData.Of(f.Template,
            (f.Continued ? "the EHR sent only its first page, and the rest could not be read: " : "") + FhirFailure.Describe(f.FailureKind!))).DistinctBy(u => (u.Key, u.Reason)));
        unavailable.AddRange(fetched.Where(f => f.Truncated).Select(f =>
            UnavailableData.Of(f.Template, $"only the first {options.Value.PageLimit} pages of the search were read (Fhir:PageLimit)")));
        unavailable.AddRange(fetched.Where(f => f.Record is not null && !f.Continued).SelectMany(f => f.Record!.Failures.Select(failure =>
            UnavailableData.Of(f.Template, $"the FHIR server reported an error for part of it ({failure})"))));

        // The Medications that orders, statements, administrations, dispenses and drafts name but no answer carried:
        // read one by one, in parallel, inside what is left of the deadline (US Core: Medication/{id}).
        var references = UnresolvedMedications(read, draftMedications);
        var medications = await ReadMedicationsAsync(request, references, tallies, deadline.Token);
        read.AddRange(medications);

        return Combine(read, unavailable, fetched.Length + references.Count, Stopwatch.GetElapsedTime(started), tallies) with
        {
            TimedOut = failed.Count(f => f.FailureKind == "timed_out"),
        };
    }

    private static PatientData Combine(List<RecordReader> read, List<UnavailableData> unavailable, int queries, TimeSpan elapsed, List<FhirCallTally> tallies)
    {
        if (read.SelectMany(r => r.OtherPatient).FirstOrDefault(e => e.ResourceType == "Patient") is { } wrongPatient)
        {
            // The Patient itself is someone else: nothing in this record can be trusted to be this patient's. Its source
            // is "prefetch {key}" or "FHIR search {key}".
            throw new RequiredDataUnavailableException([wrongPatient.Source.Split(' ')[^1]], "the Patient resource sent is not context.patientId", "wrong_patient");
        }

        var byFullUrl = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var (url, resource) in read.SelectMany(r => r.ByFullUrl))
        {
            byFullUrl.TryAdd(url, resource);
        }

        return new PatientData([.. read.SelectMany(r => r.Resources)], unavailable, queries, elapsed,
            Hedged: tallies.Sum(t => t.Hedges), Retried: tallies.Sum(t => t.Retries))
        {
            SetAside = [.. read.SelectMany(r => r.SetAside)],
            OtherPatient = [.. read.SelectMany(r => r.OtherPatient)],
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
    private static string? MedicationId(string reference) =>
        FhirReference.Local(reference) is ("Medication", var id) ? $"Medication/{Uri.EscapeDataString(id)}" : null;

    private async Task<List<RecordReader>> ReadMedicationsAsync(CdsRequest request, List<string> references, List<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(references.Select(async reference =>
        {
            var record = new RecordReader() { PatientId = request.PatientId };
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

    /// <summary>
    /// The search that fetches a key: its query, and for an observation category only as far back as the rules read it
    /// (the course's scores: all history; vital signs: a year).
    /// </summary>
    private static string Search(PrefetchTemplate template, DateTimeOffset now) =>
        template.Window is { } window ? $"{template.Query}&date=ge{window.Since(now):yyyy-MM-dd}" : template.Query;

    /// <summary>The pages after a prefetch Bundle's first, into the record its first page was read into.</summary>
    private async Task<Fetched> ContinueAsync(CdsRequest request, PrefetchIntake.Continuation continuation, List<FhirCallTally> tallies,
        CancellationToken cancellationToken)
    {
        try
        {
            var truncated = await client.ContinueAsync(request.FhirServer!, continuation.Next, request.AccessToken, options.Value.PageLimit - 1, tallies,
                continuation.Record, $"prefetch {continuation.Key} (next pages)", cancellationToken);
            return new Fetched(continuation.Template, continuation.Record, null, truncated, Continued: true);
        }
        catch (Exception ex) when (FhirFailure.IsExpected(ex))
        {
            var kind = FhirFailure.Kind(ex);
            logger.FhirQueryFailed(continuation.Key, kind);
            return new Fetched(continuation.Template, null, kind, Continued: true);
        }
    }

    private async Task<Fetched> FetchAsync(CdsRequest request, PrefetchTemplate template, string query, string source, IRecordFilter filter,
        List<FhirCallTally> tallies, CancellationToken cancellationToken)
    {
        query = PrefetchTokens.Substitute(query, request);

        // One span per prefetch query: its key and resource type only, never the URL (it carries the patient id).
        using var span = CdsMetrics.Traces.StartActivity($"fhir.search {template.Key}", ActivityKind.Internal);
        span?.SetTag("fhir.prefetch_key", template.Key);
        span?.SetTag("fhir.resource_type", template.ResourceType);
        var record = new RecordReader(filter) { PatientId = request.PatientId };
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
        refusal = FhirServerPolicy.Refusal(server, options.Value.AllowedServers, environment.IsDevelopment());
        if (refusal is not null)
        {
            logger.FhirServerNotAllowed(server.Host);
        }

        return refusal is null;
    }
}
