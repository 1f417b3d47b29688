using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KetamineCds.Api.Telemetry;

/// <summary>
/// The service's own metrics and spans (meter and activity source <c>KetamineCds</c>). Labels are low-cardinality
/// words chosen here (service id, hook, outcome, phase, indicator, rule id, reason); never a patient, user, URL or
/// token. The README's Operations section lists every instrument.
/// </summary>
public sealed class CdsMetrics
{
    public const string Name = "KetamineCds";

    /// <summary>Spans: one per hook call, with children for each FHIR query and for evaluation.</summary>
    public static readonly ActivitySource Traces = new(Name);

    // Seconds, dense around the spec's 500 ms guidance so p50/p95/p99 of a hook call read well from the buckets.
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10],
    };

    private readonly Meter _meter;
    private readonly Histogram<double> _hookDuration;
    private readonly Histogram<double> _phaseDuration;
    private readonly Counter<long> _cards;
    private readonly Counter<long> _suppressed;
    private readonly Counter<long> _fhirCalls;
    private readonly Counter<long> _fhirHedges;
    private readonly Counter<long> _partialAnswers;
    private readonly Histogram<double> _fhirDuration;
    private readonly Counter<long> _preconditionFailed;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _feedback;
    private readonly Counter<long> _jwtRejections;
    private readonly Counter<long> _adminFailures;
    private readonly Counter<long> _auditUnrecorded;
    private readonly Counter<long> _otherPatient;

    public CdsMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _hookDuration = _meter.CreateHistogram<double>("kcds.hook.duration", "s", "CDS service calls and their duration, by service, hook and outcome", tags: null, advice: LatencyBuckets);
        _phaseDuration = _meter.CreateHistogram<double>("kcds.hook.phase.duration", "s", "Time per phase of a hook call: assemble (record incl. FHIR fetch), fetch, evaluate, cards", tags: null, advice: LatencyBuckets);
        _cards = _meter.CreateCounter<long>("kcds.cards.issued", "{card}", "Cards returned, by service, indicator and rule id");
        _suppressed = _meter.CreateCounter<long>("kcds.cards.suppressed", "{card}", "Findings the card policy kept back, by service, rule id and policy mode");
        _fhirCalls = _meter.CreateCounter<long>("kcds.fhir.calls", "{call}", "HTTP calls to EHR FHIR servers by outcome: ok, hedged, retried, timed_out, circuit_open, refused, http_error, unreachable, not_fhir");
        _fhirHedges = _meter.CreateCounter<long>("kcds.fhir.hedges", "{attempt}", "Extra attempts sent to EHR FHIR servers (hedges after the hedge delay, and retries after a failure)");
        _partialAnswers = _meter.CreateCounter<long>("kcds.partial_answers", "{response}", "Answers given on part of the record because some FHIR data could not be retrieved, by service");
        _fhirDuration = _meter.CreateHistogram<double>("kcds.fhir.call.duration", "s", "Duration of FHIR calls (retries included), by outcome", tags: null, advice: LatencyBuckets);
        _preconditionFailed = _meter.CreateCounter<long>("kcds.precondition_failed", "{response}", "412 answers by service and cause");
        _reloads = _meter.CreateCounter<long>("kcds.rule_pack.reloads", "{reload}", "Rule pack reload attempts by outcome: swapped, unchanged, rejected");
        _feedback = _meter.CreateCounter<long>("kcds.feedback", "{item}", "Feedback items by outcome: accepted, overridden, unknown_card, invalid, store_unavailable");
        _otherPatient = _meter.CreateCounter<long>("kcds.security.other_patient_records", "{record}", "Records an EHR sent about a patient other than context.patientId, never read (a security event), by service");
        _auditUnrecorded = _meter.CreateCounter<long>("kcds.audit.unrecorded", "{call}", "Calls answered by an earlier run that have no audit record (counted from the journal at start-up)");
        _adminFailures = _meter.CreateCounter<long>("kcds.admin.auth_failures", "{request}", "Admin requests refused: wrong_key, locked_out (429), lockout_started (an address just locked out)");
        _jwtRejections = _meter.CreateCounter<long>("kcds.auth.jwt_rejections", "{request}", "Requests refused for their JWT, by reason");
    }

    public void HookCompleted(string service, string hook, string outcome, TimeSpan elapsed) =>
        _hookDuration.Record(elapsed.TotalSeconds, new("cds.service", service), new("cds.hook", hook), new("outcome", outcome));

    public void Phase(string service, string phase, TimeSpan elapsed) =>
        _phaseDuration.Record(elapsed.TotalSeconds, new("cds.service", service), new("phase", phase));

    public void CardIssued(string service, string indicator, string ruleId) =>
        _cards.Add(1, new("cds.service", service), new("indicator", indicator), new("rule.id", ruleId));

    public void CardSuppressed(string service, string ruleId, string mode) =>
        _suppressed.Add(1, new("cds.service", service), new("rule.id", ruleId), new("policy", mode));

    public void FhirCall(string outcome, TimeSpan elapsed)
    {
        _fhirCalls.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _fhirDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void FhirHedge() => _fhirHedges.Add(1);

    public void PartialAnswer(string service) => _partialAnswers.Add(1, new KeyValuePair<string, object?>("cds.service", service));

    public void PreconditionFailed(string service, string cause) =>
        _preconditionFailed.Add(1, new("cds.service", service), new("cause", cause));

    public void Reload(string outcome) => _reloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Feedback(string outcome, int items = 1) => _feedback.Add(items, new KeyValuePair<string, object?>("outcome", outcome));

    public void JwtRejected(string reason) => _jwtRejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void OtherPatientData(string service, int records) => _otherPatient.Add(records, new KeyValuePair<string, object?>("cds.service", service));

    public void AuditUnrecorded(long calls) => _auditUnrecorded.Add(calls);

    public void AdminAuthenticationFailed(string outcome) => _adminFailures.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The live pack as an info metric (value 1, version in labels), so dashboards can mark rule changes.</summary>
    public void ObserveRulePack(Func<(string Name, string Version, string Hash)> live) =>
        _meter.CreateObservableGauge("kcds.rule_pack.info", () =>
        {
            var (name, version, hash) = live();
            return new Measurement<int>(1, new("pack.name", name), new("pack.version", version), new("pack.hash", hash[..12]));
        }, description: "The live rule pack (value 1; name, version and short content hash as labels)");

    public void ObserveAuditQueue(Func<int> depth, Func<long> dropped, Func<long> written)
    {
        _meter.CreateObservableGauge("kcds.audit.queue.depth", depth, "{record}", "Audit records waiting to be written to the store");
        _meter.CreateObservableCounter("kcds.audit.dropped", dropped, "{record}", "Audit records dropped because the queue was full");
        _meter.CreateObservableCounter("kcds.audit.written", written, "{record}", "Audit records stored by the writer");
    }

    /// <summary>The store as its users find it: failures by operation, each write-behind queue's depth and drops, and whether readiness says Degraded.</summary>
    public void ObserveStore(Func<IEnumerable<(string Operation, long Failures)>> failures, Func<IEnumerable<(string Queue, int Depth, long Dropped)>> queues,
        Func<bool> degraded)
    {
        _meter.CreateObservableCounter("kcds.store.failures", () => failures().Select(f => new Measurement<long>(f.Failures, new KeyValuePair<string, object?>("operation", f.Operation))),
            "{attempt}", "Store operations that failed (audit write, card memory read and write, replay check, pack history write)");
        _meter.CreateObservableGauge("kcds.store.queue.depth", () => queues().Select(q => new Measurement<int>(q.Depth, new KeyValuePair<string, object?>("queue", q.Queue))),
            "{record}", "Rows waiting in each write-behind queue (audit, card memory)");
        _meter.CreateObservableCounter("kcds.store.queue.dropped", () => queues().Select(q => new Measurement<long>(q.Dropped, new KeyValuePair<string, object?>("queue", q.Queue))),
            "{record}", "Rows dropped from each write-behind queue (full, or for the card memory a failed write)");
        _meter.CreateObservableGauge("kcds.store.degraded", () => degraded() ? 1 : 0, "{state}", "1 while readiness reports the store Degraded (writes failing or a queue above its threshold)");
    }

    public void ObserveLogBuffer(Func<int> depth, Func<long> dropped)
    {
        _meter.CreateObservableGauge("kcds.log.queue.depth", depth, "{event}", "Log events waiting to be written to the console");
        _meter.CreateObservableCounter("kcds.log.dropped", dropped, "{event}", "Log events dropped because the console could not keep up");
    }
}
