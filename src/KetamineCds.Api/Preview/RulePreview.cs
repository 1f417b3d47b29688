using KetamineCds.Api.Auth;
using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.Preview;

/// <summary>What a preview evaluated: the cards an EHR would get, the trace of every rule, and the draft order used.</summary>
public sealed record PreviewOutcome(
    CompiledPack Pack,
    string Hook,
    DateTimeOffset At,
    IReadOnlyList<Card> Cards,
    IReadOnlyList<RuleTrace> Trace,
    MedicationRequest? DraftOrder,
    bool DraftOrderAssumed)
{
    /// <summary>Per card uuid, the dated scores of a treatment course the card rests on (for the workbench's chart).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ScorePoint>> Trajectories { get; init; } = new Dictionary<string, IReadOnlyList<ScorePoint>>();
}

/// <summary>One severity score of a course, as the workbench draws it.</summary>
public sealed record ScorePoint(string Date, decimal Value, string Label);

/// <summary>
/// Evaluates a pack against a patient's resources the way a hook call would, for admins (preview page,
/// <c>rules explain</c>). The same engine and card mapping as live calls; only the input is a bundle, not a request.
/// </summary>
public static class RulePreview
{
    public static readonly IReadOnlyList<string> Hooks = KetamineCds.Rules.Model.Hooks.All;

    // The quick start's address (README): where a CLI preview's links point when no service address is known.
    private static readonly Uri DefaultRulePages = new("http://localhost:5080/");

    /// <param name="rulePages">Where the service serves its rule pages (cards link to them); a CLI run names the default address.</param>
    public static PreviewOutcome Evaluate(CompiledPack pack, string hook, IReadOnlyList<Resource> resources, DateTimeOffset at, Uri? rulePages = null)
    {
        if (!Hooks.Contains(hook))
        {
            throw new ArgumentException($"hook must be one of {string.Join(", ", Hooks)}", nameof(hook));
        }

        // In a preview bundle the draft MedicationRequests are the orders; active ones are the patient's history.
        var drafts = resources.OfType<MedicationRequest>().Where(m => m.Status == MedicationRequest.MedicationrequestStatus.Draft).ToList();
        var record = resources.Where(r => !drafts.Contains(r)).ToList();
        var assumed = KetamineCds.Rules.Model.Hooks.IsOrderHook(hook) && drafts.Count == 0;
        if (assumed)
        {
            drafts.Add(StandardOrder(record.OfType<Patient>().FirstOrDefault()?.Id));
        }

        var result = HookEvaluation.Evaluate(pack, hook, record, drafts, selections: null, at);
        var issued = result.Findings.Select(f => (Card: CardMapper.ToCard(f, pack, EhrProfiles.Shipped[EhrProfiles.Spec], rulePages ?? DefaultRulePages), Finding: f)).ToList();
        var cards = CardMapper.MostUrgentFirst(issued.Select(i => i.Card));
        var trajectories = issued
            .Select(i => (i.Card.Uuid, Points: i.Finding.Evidence.Where(e => e.Score is not null && e.Date is not null)
                .DistinctBy(e => e.Reference).OrderBy(e => e.Date)
                .Select(e => new ScorePoint(e.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Score!.Value, e.Label)).ToList()))
            .Where(t => t.Points.Count >= 2)
            .ToDictionary(t => t.Uuid, t => (IReadOnlyList<ScorePoint>)t.Points, StringComparer.Ordinal);
        return new PreviewOutcome(pack, hook, at, cards, result.Trace, drafts.FirstOrDefault(), assumed) { Trajectories = trajectories };
    }

    // The order previewed when the bundle holds no draft: the usual first infusion (see StandardOrder), so order-time
    // rules have an order to check.
    private static MedicationRequest StandardOrder(string? patientId) => KetamineCds.Rules.Analysis.StandardOrder.For(patientId, "preview-ketamine-order");
}
