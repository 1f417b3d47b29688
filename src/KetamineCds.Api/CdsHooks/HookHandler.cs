using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.RulePack;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// One hook call end to end, as its steps: validate, find the ketamine order, assemble the record, evaluate, build
/// cards. I/O orchestration only; the clinical logic is the pure rule engine, and everything reported besides the
/// answer (span, phases, audit, log properties) goes through <see cref="HookCallScope"/>.
/// </summary>
public sealed class HookHandler(
    RulePackProvider packs,
    PatientDataAssembler assembler,
    [FromKeyedServices(ClinicalClock.Key)] TimeProvider clock,
    HookCallScope call)
{
    public async Task<CdsResponse> HandleAsync(CdsServiceDescription service, JsonElement body, CancellationToken cancellationToken)
    {
        var pack = packs.Current; // read once: a reload during the call does not change the answer's pack
        call.Begin(service, pack);

        // 1. The request, against CDS Hooks 2.0 and the hook's context table (400 naming the field).
        var request = CdsRequestReader.Read(body, service);
        call.Request(request, pack);

        // 2. Not a ketamine order, the common case at order entry: answered before touching the prefetch.
        var draft = ReadDraftOrders(request);
        if (!HookEvaluation.Applies(pack, request.Hook, draft))
        {
            call.NotApplicable();
            return new CdsResponse([]);
        }

        // 3. The record: prefetch, and what is missing from the FHIR server; what could not be had is named.
        var now = clock.GetUtcNow();
        PatientData data;
        using (call.Phase("assemble"))
        {
            data = await assembler.AssembleAsync(request, pack.ObservationsNeededSince(now), cancellationToken);
        }

        call.Assembled(data);

        // 4. The rules, pure; data that could not be retrieved makes the rules that read it undecidable.
        EvaluationResult result;
        using (call.Phase("evaluate", traced: true))
        {
            result = HookEvaluation.Evaluate(pack, request.Hook, data.Resources, draft, request.Selections, now, data.UnretrievedTypes);
        }

        call.Evaluated(result);

        // 5. The cards, each with the finding it came from; the incomplete-data card leads the warnings.
        List<IssuedCard> issued;
        using (call.Phase("cards"))
        {
            var found = result.Findings.Select(f => new IssuedCard(CardMapper.ToCard(f, pack), f));
            issued = [.. (data.IsPartial ? found.Prepend(new IssuedCard(CardMapper.IncompleteData(data.Unavailable, pack), null)) : found)
                .OrderBy(c => CardMapper.Urgency(c.Card.Indicator))];
        }

        call.Issued(issued);
        return new CdsResponse([.. issued.Select(c => c.Card)]);
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
public sealed record IssuedCard(Card Card, Finding? Finding);
