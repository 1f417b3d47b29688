using System.Diagnostics;
using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Store;
using KetamineCds.Api.Rules;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;
using Serilog;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// One hook call end to end: validate, find the ketamine order, assemble the record, evaluate, build cards.
/// I/O orchestration only; the clinical logic is the pure rule engine.
/// </summary>
public sealed class HookHandler(
    RulePackProvider packs,
    PatientDataAssembler assembler,
    [FromKeyedServices(ClinicalClock.Key)] TimeProvider clock,
    IDiagnosticContext diagnostics,
    AuditScope audit,
    CdsMetrics metrics,
    ILogger<HookHandler> logger)
{
    public async Task<CdsResponse> HandleAsync(CdsServiceDescription service, JsonElement body, CancellationToken cancellationToken)
    {
        var pack = packs.Current;
        using var span = CdsMetrics.Traces.StartActivity($"cds.hook {service.Id}");
        span?.SetTag("cds.service", service.Id);
        span?.SetTag("cds.hook", service.Hook);
        span?.SetTag("cds.rule_pack", $"{pack.Name}@{pack.Version}");
        var request = CdsRequestReader.Read(body, service);
        audit.Request(request.Hook, request.HookInstance, request.PatientId, request.UserId, $"{pack.Name}@{pack.Version}");
        diagnostics.Set("Hook", request.Hook);
        diagnostics.Set("HookInstance", request.HookInstance);
        diagnostics.Set("RulePack", $"{pack.Name}@{pack.Version}");

        var draft = ReadDraftOrders(request);
        var hook = new HookContext(request.Hook, draft.OfType<MedicationRequest>().ToList(), request.Selections);
        if (request.Hook != "patient-view" && !hook.DraftOrders.Any(o => pack.IsKetamineOrder(o, new PatientRecord(draft))))
        {
            // The common case at order entry: not a ketamine order. Answer before touching the prefetch.
            diagnostics.Set("KetamineOrder", false);
            span?.SetTag("cds.ketamine_order", false);
            return new CdsResponse([]);
        }

        var fetchStarted = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var data = await assembler.AssembleAsync(request, pack.ObservationsNeededSince(now), cancellationToken);
        diagnostics.Set("AssembleMs", Stopwatch.GetElapsedTime(fetchStarted).TotalMilliseconds);
        metrics.Phase(service.Id, "assemble", Stopwatch.GetElapsedTime(fetchStarted));
        metrics.Phase(service.Id, "fetch", data.FetchTime);
        diagnostics.Set("FhirQueries", data.QueriesSent);
        diagnostics.Set("FetchMs", data.FetchTime.TotalMilliseconds);
        diagnostics.Set("FhirHedged", data.Hedged);
        diagnostics.Set("FhirRetried", data.Retried);
        diagnostics.Set("FhirTimedOut", data.TimedOut);
        diagnostics.Set("Partial", data.IsPartial);
        span?.SetTag("cds.partial", data.IsPartial);
        if (data.IsPartial)
        {
            metrics.PartialAnswer(service.Id);
        }

        var evaluateStarted = Stopwatch.GetTimestamp();
        var evaluation = CdsMetrics.Traces.StartActivity("cds.evaluate");
        // Medication resources sent with the draft orders resolve medicationReference; the draft requests stay in the hook context.
        // Data that could not be retrieved makes the rules that read it undecidable, never "no concern".
        var record = new PatientRecord(data.Resources.Concat(draft.Where(r => r is not MedicationRequest)), data.UnretrievedTypes);
        var result = RuleEvaluator.Evaluate(pack, record, hook, now);
        diagnostics.Set("EvaluateMs", Stopwatch.GetElapsedTime(evaluateStarted).TotalMilliseconds);
        metrics.Phase(service.Id, "evaluate", Stopwatch.GetElapsedTime(evaluateStarted));
        evaluation?.SetTag("cds.rules_fired", result.Findings.Count);
        evaluation?.Dispose();
        foreach (var error in result.Errors)
        {
            logger.RuleEvaluationFailed(error.RuleId, error.RuleVersion, error.Explanation);
        }

        var cardsStarted = Stopwatch.GetTimestamp();
        var found = result.Findings.Select(f => CardMapper.ToCard(f, pack));
        // The incomplete-data card leads the warnings: what could not be checked comes first after any critical card.
        var cards = CardMapper.MostUrgentFirst(data.IsPartial ? found.Prepend(CardMapper.IncompleteData(data.Unavailable, pack)) : found);

        metrics.Phase(service.Id, "cards", Stopwatch.GetElapsedTime(cardsStarted));
        foreach (var card in cards)
        {
            metrics.CardIssued(service.Id, card.Indicator, RuleOf(card)?.Id ?? "none");
        }

        audit.Cards(cards.Select(c => new AuditedCard(c.Uuid, RuleOf(c)?.Id, RuleOf(c)?.Version, c.Indicator)).ToList());
        diagnostics.Set("RulesFired", result.Findings.Select(f => $"{f.RuleId}@{f.RuleVersion}").ToArray());
        diagnostics.Set("CardsByIndicator", cards.GroupBy(c => c.Indicator).ToDictionary(g => g.Key, g => g.Count()), destructureObjects: true);
        return new CdsResponse(cards);
    }

    private static (string Id, string Version)? RuleOf(Card card) =>
        card.Extension?.TryGetValue("org.ketaminecds.rule", out var rule) == true && rule.Split('@') is [var id, var version] ? (id, version) : null;

    private static List<Resource> ReadDraftOrders(CdsRequest request)
    {
        try
        {
            return request.DraftOrders is { } bundle ? FhirJson.Flatten(FhirJson.Parse(bundle)).ToList() : [];
        }
        catch (FormatException)
        {
            throw new CdsRequestInvalidException("context.draftOrders is not a valid FHIR Bundle.");
        }
    }
}
