using KetamineCds.Rules.Conditions;
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
        Func<string, string> valueOf = new CardValues(result.Evidence, checklist, context).Get;
        // One builder for the whole detail: the text, the evidence when the template does not place it, the footer.
        var detail = TrimEnd(rule.Detail.RenderInto(new StringBuilder(1024), valueOf));
        if (!rule.DetailShowsEvidence && result.Evidence.Count > 0)
        {
            detail.Append("\n\n**Patient data:**\n").Append(valueOf("evidence"));
        }

        detail.Append("\n\n").Append(rule.Footer);

        return new Finding
        {
            RuleId = rule.Id,
            RuleVersion = rule.Version,
            Category = rule.Spec.Category,
            Indicator = rule.Indicator,
            Summary = CardTemplate.AsSummary(rule.Summary.Render(valueOf)),
            Detail = detail.ToString().TrimStart(),
            Source = rule.Source,
            Suggestions = Suggestions(rule, context),
            OverrideReasons = rule.OverrideReasons,
            Links = rule.Links,
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
            + $"**Why:** {Markdown.Escape(reason)}\n\nReview this item manually before proceeding.\n\n{rule.Footer}",
        Source = new FindingSource(rule.Spec.Card.Source.Label, rule.Spec.Card.Source.Url, null),
        IsIncompleteCheck = true,
    };

    private static StringBuilder TrimEnd(StringBuilder text)
    {
        while (text.Length > 0 && char.IsWhiteSpace(text[^1]))
        {
            text.Length--;
        }

        return text;
    }

    private static string Truncate(string text) =>
        text.Length < CardTemplate.MaxSummaryLength ? text : text[..(CardTemplate.MaxSummaryLength - 2)] + "…";

    /// <summary>The placeholder values of one card, each made only if the card's text uses it.</summary>
    private sealed class CardValues(IReadOnlyList<EvidenceItem> evidence, IReadOnlyList<(string Label, ConditionResult Result)> checklist, EvaluationContext context)
    {
        private string? _evidence;

        public string Get(string placeholder)
        {
            var first = placeholder is "value" or "date" ? evidence.FirstOrDefault(e => e.Value is not null) ?? evidence.FirstOrDefault() : null;
            return placeholder switch
            {
                "value" => Cap(first?.Value ?? "", CardTemplate.SummaryPlaceholders["value"]),
                "date" => first?.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "date unknown",
                "count" => Math.Min(evidence.Count, 999).ToString(CultureInfo.InvariantCulture),
                "age" => context.Record.Patient?.BirthDateElement?.Value is null ? "?"
                    : Math.Clamp(context.AgeInYears(context.Record.Patient.BirthDateElement), 0, 999).ToString(CultureInfo.InvariantCulture),
                "evidence" => _evidence ??= EvidenceList(evidence),
                "checklist" => ChecklistMarkdown(checklist),
                _ => "",
            };
        }
    }

    private static string Cap(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string EvidenceList(IReadOnlyList<EvidenceItem> evidence)
    {
        if (evidence.Count == 0)
        {
            return "- no patient data recorded";
        }

        var lines = new StringBuilder();
        foreach (var item in evidence)
        {
            lines.Append(lines.Length == 0 ? "- " : "\n- ").Append(item.ToMarkdown());
        }

        return lines.ToString();
    }

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
