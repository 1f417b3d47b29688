using KetamineCds.Api.Auth;
using KetamineCds.Api.Core;
using KetamineCds.Api.Fhir;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Maps findings to spec-exact cards, shaped for the EHR that called: a uuid on every card and suggestion; a static
/// alphanumeric <c>source.topic</c> per rule, so an EHR can remember an acknowledgement (Epic); <c>source.url</c> the
/// rule's public page; a <c>selectionBehavior</c> the EHR renders; the delete action in the form it reads.
/// </summary>
public static class CardMapper
{
    /// <param name="rulePages">The service's public base URL, under which <c>rules/{id}</c> is each rule's page.</param>
    public static Card ToCard(Finding finding, CompiledPack pack, EhrProfile profile, Uri rulePages)
    {
        var details = pack.Details.GetValueOrDefault(finding.RuleId);
        return new Card
        {
            Uuid = TimeOrderedId.New(),
            Summary = finding.Summary,
            Detail = string.IsNullOrWhiteSpace(finding.Detail) ? null : finding.Detail,
            Indicator = finding.Indicator.ToString().ToLowerInvariant(),
            Source = new CardSource(finding.Source.Label, new Uri(rulePages, InterventionAttributes.RulePagePath(finding.RuleId)).ToString(),
                finding.Source.Topic is { } t ? new CardCoding(t.System ?? "", t.Code ?? "", t.Display)
                    : new CardCoding(TopicSystem, InterventionDetails.TopicCodeOf(finding.RuleId), details?.Title)),
            Suggestions = finding.Suggestions.Count == 0 ? null : finding.Suggestions.Select(s => ToSuggestion(s, profile)).ToList(),
            SelectionBehavior = finding.Suggestions.Count == 0 ? null : profile.SelectionBehaviorFor(ChoicesExcludeEachOther(finding.Suggestions)),
            OverrideReasons = finding.OverrideReasons.Count == 0 ? null
                : finding.OverrideReasons.Select(r => new CardCoding(r.System ?? "", r.Code ?? "", r.Display)).ToList(),
            Links = finding.Links.Count == 0 ? null : finding.Links.Select(l => new CardLink(l.Label, l.Url, "absolute")).ToList(),
            Extension = new Dictionary<string, string>
            {
                [CardExtensions.Rule] = $"{finding.RuleId}@{finding.RuleVersion}",
                [CardExtensions.Pack] = pack.Label,
            },
        };
    }

    /// <summary>The topic system of rules that set no topic of their own (the shipped pack sets one on every rule).</summary>
    public const string TopicSystem = "https://ketaminecds.org/CodeSystem/rule-topic";

    /// <summary>
    /// Whether a card's suggestions are alternatives, so taking one rules out the others: removing the order and
    /// changing it cannot both be done. One suggestion, or suggestions that can all be taken (order a test, record a
    /// weight), are <c>any</c>, the spec's recommendation for cards EHRs such as Epic render.
    /// </summary>
    private static bool ChoicesExcludeEachOther(IReadOnlyList<FindingSuggestion> suggestions) =>
        suggestions.Count > 1 && suggestions.Any(s => s.ActionType == "delete");

    /// <summary>
    /// Cards in the order a clinician must read them: critical, then warning, then info, each tier keeping the pack's
    /// order. Every answer goes through here, so a card added after evaluation (incomplete data) takes its place too.
    /// </summary>
    public static List<Card> MostUrgentFirst(IEnumerable<Card> cards) => [.. cards.OrderBy(c => Urgency(c.Indicator))];

    /// <summary>0 for critical, 1 for warning, 2 for info: the order cards are read in.</summary>
    public static int Urgency(string indicator) => indicator switch
    {
        "critical" => 0,
        "warning" => 1,
        _ => 2,
    };

    private static Suggestion ToSuggestion(FindingSuggestion suggestion, EhrProfile profile) => new()
    {
        Label = suggestion.Label,
        Uuid = TimeOrderedId.New(),
        IsRecommended = suggestion.IsRecommended,
        Actions =
        [
            new SuggestionAction
            {
                Type = suggestion.ActionType,
                Description = suggestion.ActionDescription,
                ResourceId = profile.DeleteAction != DeleteActionForm.Resource ? suggestion.ResourceId : null,
                Resource = suggestion.Resource is not null ? new EmbeddedFhirResource(suggestion.Resource)
                    : suggestion.ResourceId is { } target && profile.DeleteAction != DeleteActionForm.ResourceId ? EmbeddedFhirResource.ReferenceOnly(target) : null,
            },
        ],
    };

    /// <summary>
    /// The card for data the service could not get or read (fail visible): which parts of the record are missing and
    /// why, and each entry that was set aside, with the element and the reason, so the clinician knows which checks did
    /// not run. Rules that read that data are undecidable, and a contraindication among them has its own "check
    /// incomplete" card.
    /// </summary>
    public static Card IncompleteData(IReadOnlyList<UnavailableData> unavailable, IReadOnlyList<SetAsideEntry> setAside,
        IReadOnlyList<string> unidentified, CompiledPack pack)
    {
        var described = unavailable.Select(u => (u.Key, u.What, u.Reason))
            .DistinctBy(d => (d.Key, d.Reason)).ToList();
        var parts = described.Select(d => d.What.Split('(')[0].Trim()).Distinct().ToList();
        if (setAside.Count > 0)
        {
            parts.Add(setAside.Count == 1 ? "1 record could not be read" : $"{setAside.Count} records could not be read");
        }

        if (unidentified.Count > 0)
        {
            parts.Add(unidentified.Count == 1 ? "1 medication could not be identified" : $"{unidentified.Count} medications could not be identified");
        }

        var retrieved = described.Select(d => d.What.Split('(')[0].Trim()).Distinct().ToList();
        var summary = "Checks incomplete: " + string.Join("; ", (retrieved.Count > 0 ? [$"{string.Join("; ", retrieved)} not retrieved"] : Array.Empty<string>())
            .Concat(parts.Skip(retrieved.Count)));

        if (summary.Length >= 140)
        {
            summary = "Checks incomplete: some of the patient's record could not be retrieved or read";
        }

        var detail = new System.Text.StringBuilder();
        if (described.Count > 0)
        {
            detail.Append("These parts of the record were neither prefetched nor retrieved in full, so the checks that read them could not run:\n\n")
                .AppendJoin("\n", described.Select(d => $"- {d.What} (`{d.Key}`): not retrieved, {d.Reason}"))
                .Append("\n\n");
        }

        if (setAside.Count > 0)
        {
            const int Shown = 20;
            detail.Append("These records could not be read and were set aside; the rest of the record was read, and only the checks ")
                .Append("they could touch are incomplete:\n\n")
                .AppendJoin("\n", setAside.Take(Shown).Select(e => $"- {Markdown(e.Describe())}"))
                .Append(setAside.Count > Shown ? $"\n- … and {setAside.Count - Shown} more" : "")
                .Append("\n\n");
        }

        if (unidentified.Count > 0)
        {
            detail.Append("These medications are named by a reference that neither the request nor the EHR's FHIR server resolved, and that ")
                .Append("gives no name: no check over medications (interactions, duplicate therapy, treatment history) can rule them out:\n\n")
                .AppendJoin("\n", unidentified.Select(u => $"- {Markdown(u)}"))
                .Append("\n\n");
        }

        detail.Append("A contraindication that could not be checked has its own card; none of these is reported as absent. ")
            .Append("Review this part of the chart before ordering.");
        return new Card
        {
            Uuid = TimeOrderedId.New(),
            Summary = summary,
            Detail = detail.ToString(),
            Indicator = "warning",
            Source = new CardSource("KetamineCds data access"),
            Extension = new Dictionary<string, string> { [CardExtensions.Pack] = pack.Label },
        };
    }

    /// <summary>
    /// The EHR sent records about a patient other than the context's (CDS Hooks 2.0 §Prefetch: prefetch is the query's
    /// answer for <c>context.patientId</c>). They were not read; the card says so, names where each came from (never
    /// the other patient's id), and that no advice rests on them.
    /// </summary>
    public static Card OtherPatientData(IReadOnlyList<SetAsideEntry> entries, CompiledPack pack)
    {
        var detail = new System.Text.StringBuilder()
            .Append("The EHR sent records that name a patient other than this one. They were not read, and no card here rests on ")
            .Append("them; the advice above is from this patient's own records. This is a fault in what the EHR sent: tell its ")
            .Append("integration team.\n\n")
            .AppendJoin("\n", entries.Take(20).Select(e => $"- {Markdown(e.Describe())}"))
            .Append(entries.Count > 20 ? $"\n- … and {entries.Count - 20} more" : "");
        return new Card
        {
            Uuid = TimeOrderedId.New(),
            Summary = entries.Count == 1 ? "1 record about another patient was received and ignored: no advice rests on it"
                : $"{entries.Count} records about another patient were received and ignored: no advice rests on them",
            Detail = detail.ToString(),
            Indicator = "warning",
            Source = new CardSource("KetamineCds identity check (CDS Hooks 2.0 §Prefetch)"),
            Extension = new Dictionary<string, string> { [CardExtensions.Pack] = pack.Label },
        };
    }

    // The reason quotes the EHR's own text: kept from reading as Markdown.
    private static string Markdown(string text) => KetamineCds.Rules.Evaluation.Markdown.Escape(text);
}
