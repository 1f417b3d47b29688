using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Core;
using KetamineCds.Rules.Record;
using KetamineCds.Api.RulePack;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Model;

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
    CardMemory memory,
    HookCallScope call)
{
    /// <param name="caller">Who called: the EHR's profile (prefetch it serves, card shapes it renders) and the service's public base URL.</param>
    public async Task<CdsResponse> HandleAsync(CdsServiceDescription service, CallerContext caller, JsonElement body, CancellationToken cancellationToken)
    {
        var pack = packs.Current; // read once: a reload during the call does not change the answer's pack
        var profile = caller.Profile;
        call.Begin(service, pack);

        // 1. The request, against CDS Hooks 2.0 and the hook's context table (400 naming the field).
        var request = CdsRequestReader.Read(body, service);
        call.Request(request, pack);

        // An EHR that reuses patient-view for its own triggers (Epic's bpa-trigger-action) asks about more than chart
        // review: the candidacy card answers only the triggers it was registered for.
        if (request.Hook == Hooks.PatientView && profile.TriggerExtension is { } trigger
            && !profile.AnswersPatientView(request.Extensions.GetValueOrDefault(trigger)))
        {
            call.NotApplicable();
            return new CdsResponse([]);
        }

        // 2. Not a ketamine order, the common case at order entry: answered before touching the prefetch. A draft whose
        //    medication is a reference its bundle cannot resolve waits for the record (and the Medication it names).
        var drafts = ReadDraftOrders(request);
        var triage = HookEvaluation.Triage(pack, request.Hook, drafts.Resources, drafts.ByFullUrl);
        if (triage == DraftTriage.NotApplicable)
        {
            call.NotApplicable();
            return new CdsResponse([]);
        }

        // 3. The record: prefetch, and what is missing from the FHIR server; what could not be had or read is named.
        var now = clock.GetUtcNow();
        PatientData data;
        using (call.Phase("assemble"))
        {
            data = await assembler.AssembleAsync(request, pack, profile, now, HookEvaluation.UnresolvedDraftMedications(drafts.Resources, drafts.ByFullUrl), cancellationToken);
        }

        call.Assembled(data);

        // 4. The rules, pure; data that could not be retrieved or read makes the rules that read it undecidable.
        EvaluationResult result;
        using (call.Phase("evaluate", traced: true))
        {
            var byFullUrl = new Dictionary<string, Resource>(data.ByFullUrl, StringComparer.Ordinal);
            foreach (var (url, resource) in drafts.ByFullUrl)
            {
                byFullUrl.TryAdd(url, resource);
            }

            result = HookEvaluation.Evaluate(pack, new HookInput(request.Hook, data.Resources, drafts.Resources)
            {
                Selections = request.Selections,
                UnretrievedTypes = data.UnretrievedTypes,
                SetAside = data.SetAside,
                DraftDefects = drafts.DraftDefects,
                ByFullUrl = byFullUrl,
            }, now);
        }

        call.Evaluated(result);
        if (triage == DraftTriage.NeedsMedication && result.Trace.Count == 0)
        {
            // The record identified the drafts' medications, and none is ketamine.
            call.NotApplicable();
            return new CdsResponse([]);
        }

        // 5. The card policy: what this hook shows, given what this patient's clinicians saw before (pack.yaml cardPolicy).
        PolicyOutcome policy;
        CallMemory remembered;
        using (call.Phase("policy"))
        {
            remembered = await memory.LoadAsync(request, DraftId(drafts), result.Findings, pack, now, cancellationToken);
            // An order-sign no order-select preceded for this draft (the site configures only order-sign) shows what
            // order-select would have; a day is longer than any order entry session.
            var orderSelectRan = request.Hook != Hooks.OrderSign || remembered.OrderSelectSeenSince(now.AddDays(-1));
            policy = pack.CardPolicy.Apply(result.Findings, pack,
                new PolicyContext(request.Hook, now, FirstOfSeries: !result.SeriesInProgress, UserIsPractitioner(request.UserId), remembered, orderSelectRan));
        }

        // 6. The cards, each with the finding it came from; the incomplete-data card leads the warnings.
        List<IssuedCard> issued;
        using (call.Phase("cards"))
        {
            var found = policy.Shown.Select(f => new IssuedCard(CardMapper.ToCard(f, pack, profile, caller.RulePages), f));
            var incomplete = data.IsPartial || result.UnidentifiedMedications.Count > 0
                ? new IssuedCard(CardMapper.IncompleteData(data.Unavailable, data.SetAside, result.UnidentifiedMedications, pack), null)
                : null;
            var otherPatient = data.OtherPatient.Count > 0 ? new IssuedCard(CardMapper.OtherPatientData(data.OtherPatient, pack), null) : null;
            issued = [.. new[] { otherPatient, incomplete }.OfType<IssuedCard>().Concat(found).OrderBy(c => CardMapper.Urgency(c.Card.Indicator))];
        }

        call.Issued(issued, policy.Suppressed);
        memory.Remember(remembered, request.Hook, issued.Where(c => c.Finding is not null).Select(c => (c.Card.Uuid, c.Finding!)), now);
        return new CdsResponse([.. issued.Select(c => c.Card)]);
    }

    // The draft orders a finding is about, as one stable id: the same draft at order-select and order-sign.
    private static string DraftId(RecordReader drafts) =>
        string.Join(",", drafts.Resources.OfType<MedicationRequest>().Select(m => m.Id ?? "").Order(StringComparer.Ordinal));

    // Candidacy is for clinicians (CDS Hooks userId: Practitioner/…, PractitionerRole/…), not for a patient or related person.
    private static bool UserIsPractitioner(string userId) =>
        userId.StartsWith("Practitioner/", StringComparison.Ordinal) || userId.StartsWith("PractitionerRole/", StringComparison.Ordinal);

    /// <summary>
    /// <c>context.draftOrders</c>, read leniently (a single object where R4 has a list is a list of one; a defective
    /// draft is kept and its defects reported to the checks that need the element). Only a Bundle whose <c>entry</c>
    /// is not a list is refused, naming it.
    /// </summary>
    private static RecordReader ReadDraftOrders(CdsRequest request)
    {
        var drafts = new RecordReader();
        if (request.DraftOrders is { } bundle && !drafts.ReadDrafts(bundle))
        {
            throw new InvalidRequestBodyException("context.draftOrders.entry must be a list of Bundle entries.");
        }

        return drafts;
    }
}

/// <summary>Who called: the EHR's profile, and the base URL under which the service's public rule pages are served.</summary>
public sealed record CallerContext(Auth.EhrProfile Profile, Uri RulePages);

/// <summary>A card as issued, with the finding it came from (none for the incomplete-data card).</summary>
public sealed record IssuedCard(Card Card, Finding? Finding);
