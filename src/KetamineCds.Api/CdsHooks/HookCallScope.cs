using KetamineCds.Api.Core;
using System.Diagnostics;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Evaluation;
using Serilog;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Everything a hook call reports besides its answer, in one place: its span, each phase's time (histogram and
/// request log property in one call), the audit entry, the cards issued per rule, and the request log's properties.
/// None of it carries patient data. Scoped to the request; the handler calls it at each step.
/// </summary>
public sealed class HookCallScope(AuditScope audit, CdsMetrics metrics, IDiagnosticContext diagnostics, ILogger<HookCallScope> logger) : IDisposable
{
    private Activity? _span;
    private string _service = "";

    public void Begin(CdsServiceDescription service, CompiledPack pack)
    {
        _service = service.Id;
        _span = CdsMetrics.Traces.StartActivity($"cds.hook {service.Id}");
        _span?.SetTag("cds.service", service.Id);
        _span?.SetTag("cds.hook", service.Hook);
        _span?.SetTag("cds.rule_pack", pack.Label);
        diagnostics.Set("RulePack", pack.Label);
    }

    /// <summary>The validated request: audited with its ids as keyed hashes; only hook and hookInstance reach the log.</summary>
    public void Request(CdsRequest request, CompiledPack pack)
    {
        audit.Request(request.Hook, request.HookInstance, request.PatientId, request.UserId, pack.Label);
        if (request.MissingAuthorizationFields.Count > 0 && logger.IsEnabled(LogLevel.Debug))
        {
            logger.AuthorizationFieldsMissing(string.Join(", ", request.MissingAuthorizationFields));
        }

        diagnostics.Set("Hook", request.Hook);
        diagnostics.Set("HookInstance", request.HookInstance);
    }

    public void NotApplicable()
    {
        diagnostics.Set("KetamineOrder", false);
        _span?.SetTag("cds.ketamine_order", false);
    }

    /// <summary>
    /// Times a phase: its histogram and its <c>{Name}Ms</c> property on the request's log event; with
    /// <paramref name="traced"/>, a child span <c>cds.{name}</c> too (evaluation; the assembly's FHIR searches have their own).
    /// </summary>
    public PhaseTimer Phase(string name, bool traced = false) =>
        new(this, name, Stopwatch.GetTimestamp(), traced ? CdsMetrics.Traces.StartActivity($"cds.{name}") : null);

    public void Assembled(PatientData data)
    {
        metrics.Phase(_service, "fetch", data.FetchTime);
        diagnostics.Set("FetchMs", data.FetchTime.TotalMilliseconds);
        diagnostics.Set("FhirQueries", data.QueriesSent);
        diagnostics.Set("FhirHedged", data.Hedged);
        diagnostics.Set("FhirRetried", data.Retried);
        diagnostics.Set("FhirTimedOut", data.TimedOut);
        diagnostics.Set("Partial", data.IsPartial);
        // Counts only: which entries were set aside is on the card, never in the log.
        diagnostics.Set("EntriesSkipped", data.Skipped);
        diagnostics.Set("EntriesSetAside", data.SetAside.Count);
        if (data.OtherPatient.Count > 0)
        {
            // A security event: counted and logged as a count, never with either patient's id.
            diagnostics.Set("EntriesAboutAnotherPatient", data.OtherPatient.Count);
            metrics.OtherPatientData(_service, data.OtherPatient.Count);
            logger.OtherPatientData(data.OtherPatient.Count);
        }
        _span?.SetTag("cds.partial", data.IsPartial);
        if (data.IsPartial)
        {
            metrics.PartialAnswer(_service);
        }
    }

    public void Evaluated(EvaluationResult result)
    {
        _span?.SetTag("cds.rules_fired", result.Findings.Count);
        diagnostics.Set("RulesFired", result.Findings.Select(f => $"{f.RuleId}@{f.RuleVersion}").ToArray());
        foreach (var error in result.Errors)
        {
            logger.RuleEvaluationFailed(error.RuleId, error.RuleVersion, error.Explanation);
        }
    }

    /// <summary>The cards sent, and the findings the card policy kept back (audited as suppressed, never sent).</summary>
    public void Issued(IReadOnlyList<IssuedCard> cards, IReadOnlyList<SuppressedFinding> suppressed)
    {
        foreach (var (card, finding) in cards)
        {
            metrics.CardIssued(_service, card.Indicator, finding?.RuleId ?? "none");
        }

        foreach (var kept in suppressed)
        {
            metrics.CardSuppressed(_service, kept.Finding.RuleId, kept.Mode);
        }

        audit.Cards([.. cards.Select(c => new AuditedCard(c.Card.Uuid, c.Finding?.RuleId, c.Finding?.RuleVersion, c.Card.Indicator)),
            .. suppressed.Select(s => new AuditedCard(TimeOrderedId.New(), s.Finding.RuleId, s.Finding.RuleVersion, s.Finding.Indicator.ToString().ToLowerInvariant(), Suppressed: true))]);
        diagnostics.Set("CardsByIndicator", cards.GroupBy(c => c.Card.Indicator).ToDictionary(g => g.Key, g => g.Count()), destructureObjects: true);
        diagnostics.Set("CardsSuppressed", suppressed.Count);
    }

    public void Dispose() => _span?.Dispose();

    private void RecordPhase(string name, TimeSpan elapsed)
    {
        metrics.Phase(_service, name, elapsed);
        diagnostics.Set($"{char.ToUpperInvariant(name[0])}{name[1..]}Ms", elapsed.TotalMilliseconds);
    }

    public readonly struct PhaseTimer(HookCallScope scope, string name, long started, Activity? span) : IDisposable
    {
        public void Dispose()
        {
            span?.Dispose();
            scope.RecordPhase(name, Stopwatch.GetElapsedTime(started));
        }
    }
}
