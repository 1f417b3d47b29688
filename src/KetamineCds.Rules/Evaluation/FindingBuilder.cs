using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Turns a fired rule and the evidence that fired it into a finding with its text, source and actions.</summary>
internal static class FindingBuilder
{
    public static Finding Build(CompiledRule rule, ConditionResult result, EvaluationContext context,
        IReadOnlyList<(string Label, ConditionResult Result)> checklist)
    {
        var spec = rule.Spec;
        var values = PlaceholderValues(result.Evidence, context);
        values["evidence"] = EvidenceList(result.Evidence);
        values["checklist"] = ChecklistMarkdown(checklist);

        var detail = new StringBuilder(CardTemplate.Render(spec.Card.Detail ?? "", values, isSummary: false).TrimEnd());
        var templateShowsEvidence = (spec.Card.Detail ?? "").Contains("{{evidence}}", StringComparison.Ordinal)
            || (spec.Card.Detail ?? "").Contains("{{checklist}}", StringComparison.Ordinal);
        if (!templateShowsEvidence && result.Evidence.Count > 0)
        {
            detail.Append("\n\n**Patient data:**\n").Append(values["evidence"]);
        }

        detail.Append("\n\n").Append(Footer(rule, context));

        return new Finding
        {
            RuleId = rule.Id,
            RuleVersion = rule.Version,
            Category = spec.Category,
            Indicator = rule.Indicator,
            Summary = CardTemplate.Render(spec.Card.Summary, values, isSummary: true),
            Detail = detail.ToString().Trim(),
            Source = new FindingSource(spec.Card.Source.Label, spec.Card.Source.Url,
                spec.Card.Source.Topic is { } t ? new Coding(t.System, t.Code, t.Display) : null),
            Suggestions = Suggestions(rule, context),
            OverrideReasons = spec.Card.OverrideReasons?.Select(r => new Coding(r.System, r.Code, r.Display)).ToList() ?? [],
            Links = spec.Card.Links?.Select(l => new FindingLink(l.Label, l.Url)).ToList() ?? [],
            Evidence = result.Evidence,
        };
    }

    /// <summary>The card a clinician gets when a rule could not be evaluated: the check is incomplete, never "fine".</summary>
    public static Finding Incomplete(CompiledRule rule, string reason, EvaluationContext context) => new()
    {
        RuleId = rule.Id,
        RuleVersion = rule.Version,
        Category = "data-gap",
        Indicator = Indicator.Warning,
        Summary = Truncate($"Check incomplete: {rule.Spec.Title}"),
        Detail = $"This safety check could not be completed, so its absence of a warning means nothing.\n\n"
            + $"**Why:** {Markdown.Escape(reason)}\n\nReview this item manually before proceeding.\n\n{Footer(rule, context)}",
        Source = new FindingSource(rule.Spec.Card.Source.Label, rule.Spec.Card.Source.Url, null),
        IsIncompleteCheck = true,
    };

    private static string Truncate(string text) =>
        text.Length < CardTemplate.MaxSummaryLength ? text : text[..(CardTemplate.MaxSummaryLength - 2)] + "…";

    private static string Footer(CompiledRule rule, EvaluationContext context)
    {
        var references = rule.Spec.References.Select(r => r.Url is null ? Markdown.Escape(r.Citation) : $"[{Markdown.Escape(r.Citation)}]({r.Url})");
        return $"*Rule {rule.Id}@{rule.Version} · pack {context.Pack.Name}@{context.Pack.Version} · reviewed {rule.Spec.LastReviewed}*"
            + (rule.Spec.References.Count > 0 ? $"\n\n*Evidence:* {string.Join("; ", references)}" : "");
    }

    private static Dictionary<string, string> PlaceholderValues(IReadOnlyList<Evidence> evidence, EvaluationContext context)
    {
        var first = evidence.FirstOrDefault(e => e.Value is not null) ?? evidence.FirstOrDefault();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["value"] = Cap(first?.Value ?? "", CardTemplate.SummaryPlaceholders["value"]),
            ["date"] = first?.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "date unknown",
            ["count"] = Math.Min(evidence.Count, 999).ToString(CultureInfo.InvariantCulture),
            ["age"] = context.Record.Patient?.BirthDateElement?.Value is null ? "?"
                : Math.Clamp(context.AgeInYears(context.Record.Patient.BirthDateElement), 0, 999).ToString(CultureInfo.InvariantCulture),
        };
        return values;
    }

    private static string Cap(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string EvidenceList(IReadOnlyList<Evidence> evidence) =>
        evidence.Count == 0 ? "- no patient data recorded" : string.Join("\n", evidence.Select(e => $"- {e.ToMarkdown()}"));

    private static string ChecklistMarkdown(IReadOnlyList<(string Label, ConditionResult Result)> checklist)
    {
        var lines = new StringBuilder();
        foreach (var (label, result) in checklist)
        {
            var mark = result.Truth switch
            {
                Truth.True => "✅ **Met**",
                Truth.False => "❌ **Not met**",
                _ => "❔ **Unknown**",
            };
            lines.Append($"- {mark}: {Markdown.Escape(label)}\n");
            foreach (var item in result.Evidence)
            {
                lines.Append($"  - {item.ToMarkdown()}\n");
            }
        }

        return lines.ToString().TrimEnd();
    }

    private static List<FindingSuggestion> Suggestions(CompiledRule rule, EvaluationContext context)
    {
        var suggestions = new List<FindingSuggestion>();
        foreach (var spec in rule.Spec.Card.Suggestions ?? [])
        {
            if (spec.Action == "delete-draft-order")
            {
                var order = context.KetamineOrders.FirstOrDefault();
                if (order?.Id is not null)
                {
                    suggestions.Add(new FindingSuggestion(spec.Label, spec.IsRecommended, "delete",
                        "Remove the draft ketamine infusion order", $"MedicationRequest/{order.Id}", null));
                }
            }
            else if (spec.Code is { } code && context.Record.Patient?.Id is { } patientId)
            {
                var request = new ServiceRequest
                {
                    Status = RequestStatus.Draft,
                    Intent = RequestIntent.Order,
                    Code = new CodeableConcept(code.System, code.Code, code.Display, code.Display),
                    Subject = new ResourceReference($"Patient/{patientId}"),
                };
                suggestions.Add(new FindingSuggestion(spec.Label, spec.IsRecommended, "create",
                    $"Order {code.Display ?? code.Code}", null, request));
            }
        }

        return suggestions;
    }
}
