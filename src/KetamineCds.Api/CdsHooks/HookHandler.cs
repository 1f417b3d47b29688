using KetamineCds.Api.Core;
using System.Diagnostics;
using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Store;
using KetamineCds.Api.Rules;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Model;
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
        span?.SetTag("cds.rule_pack", pack.Label);
        var request = CdsRequestReader.Read(body, service);
        audit.Request(request.Hook, request.HookInstance, request.PatientId, request.UserId, pack.Label);
        diagnostics.Set("Hook", request.Hook);
        diagnostics.Set("HookInstance", request.HookInstance);
        diagnostics.Set("RulePack", pack.Label);

        var draft = ReadDraftOrders(request);
        if (!HookEvaluation.Applies(pack, request.Hook, draft))
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
        // Data that could not be retrieved makes the rules that read it undecidable, never "no concern".
        var result = HookEvaluation.Evaluate(pack, request.Hook, data.Resources, draft, request.Selections, now, data.UnretrievedTypes);
        diagnostics.Set("EvaluateMs", Stopwatch.GetElapsedTime(evaluateStarted).TotalMilliseconds);
        metrics.Phase(service.Id, "evaluate", Stopwatch.GetElapsedTime(evaluateStarted));
        evaluation?.SetTag("cds.rules_fired", result.Findings.Count);
        evaluation?.Dispose();
        foreach (var error in result.Errors)
        {
            logger.RuleEvaluationFailed(error.RuleId, error.RuleVersion, error.Explanation);
        }

        var cardsStarted = Stopwatch.GetTimestamp();
        // Each card with the finding it came from (none for the incomplete-data card), so nothing reads a rule id back
        // out of a card. The incomplete-data card leads the warnings: what could not be checked comes first after any
        // critical card.
        var found = result.Findings.Select(f => new IssuedCard(CardMapper.ToCard(f, pack), f));
        var issued = data.IsPartial ? found.Prepend(new IssuedCard(CardMapper.IncompleteData(data.Unavailable, pack), null)) : found;
        var ordered = issued.OrderBy(c => CardMapper.Urgency(c.Card.Indicator)).ToList();
        var cards = ordered.Select(c => c.Card).ToList();

        metrics.Phase(service.Id, "cards", Stopwatch.GetElapsedTime(cardsStarted));
        foreach (var (card, finding) in ordered)
        {
            metrics.CardIssued(service.Id, card.Indicator, finding?.RuleId ?? "none");
        }

        audit.Cards([.. ordered.Select(c => new AuditedCard(c.Card.Uuid, c.Finding?.RuleId, c.Finding?.RuleVersion, c.Card.Indicator))]);
        diagnostics.Set("RulesFired", result.Findings.Select(f => $"{f.RuleId}@{f.RuleVersion}").ToArray());
        diagnostics.Set("CardsByIndicator", cards.GroupBy(c => c.Indicator).ToDictionary(g => g.Key, g => g.Count()), destructureObjects: true);
        return new CdsResponse(cards);
    }

    private static List<Resource> ReadDraftOrders(CdsRequest request)
    {
        try
        {
            return request.DraftOrders is { } bundle ? FhirJson.Flatten(FhirJson.Parse(bundle)).ToList() : [];
        }
        catch (FormatException)
        {
            throw new InvalidRequestBodyException("context.draftOrders is not a valid FHIR Bundle.");
        }
    }
}

/// <summary>A card as issued, with the finding it came from (none for the incomplete-data card).</summary>
internal sealed record IssuedCard(Card Card, Finding? Finding);
