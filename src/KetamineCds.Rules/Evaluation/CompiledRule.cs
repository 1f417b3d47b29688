using KetamineCds.Rules.Conditions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>A validated rule, its condition compiled. Immutable; shared by every request on the pack.</summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleSpec spec, ICondition condition, IReadOnlyList<(string Label, ICondition Condition)> checklist, string file, int line,
        string packLabel)
    {
        Spec = spec;
        Condition = condition;
        Checklist = checklist;
        File = file;
        Line = line;
        Indicator = Enum.Parse<Indicator>(spec.Card.Indicator, ignoreCase: true);
        IsActive = spec.Status == RuleStatuses.Active;
        _hooks = [.. spec.Hooks];
        // The card's fixed parts, made once per pack instead of once per card.
        Summary = CardTemplate.Compile(spec.Card.Summary);
        Detail = CardTemplate.Compile(spec.Card.Detail ?? "");
        DetailShowsEvidence = Detail.Uses("evidence") || Detail.Uses("checklist");
        Source = new FindingSource(spec.Card.Source.Label, spec.Card.Source.Url,
            spec.Card.Source.Topic is { } t ? new Coding(t.System, t.Code, t.Display) : null);
        OverrideReasons = spec.Card.OverrideReasons?.Select(r => new Coding(r.System, r.Code, r.Display)).ToList() ?? [];
        Links = spec.Card.Links?.Select(l => new FindingLink(l.Label, l.Url)).ToList() ?? [];
        var references = spec.References.Select(r => r.Url is null ? Markdown.Escape(r.Citation) : $"[{Markdown.Escape(r.Citation)}]({r.Url})");
        Footer = $"*Rule {Id}@{Version} · pack {packLabel} · reviewed {spec.LastReviewed}*"
            + (spec.References.Count > 0 ? $"\n\n*Evidence:* {string.Join("; ", references)}" : "");
    }

    private readonly string[] _hooks;

    public RuleSpec Spec { get; }
    public string Id => Spec.Id;
    public string Version => Spec.Version;
    public bool IsActive { get; }
    public Indicator Indicator { get; }
    public string File { get; }
    public int Line { get; }
    internal ICondition Condition { get; }
    internal IReadOnlyList<(string Label, ICondition Condition)> Checklist { get; }

    internal CompiledTemplate Summary { get; }
    internal CompiledTemplate Detail { get; }
    internal bool DetailShowsEvidence { get; }
    internal FindingSource Source { get; }
    internal IReadOnlyList<Coding> OverrideReasons { get; }
    internal IReadOnlyList<FindingLink> Links { get; }

    /// <summary>The last lines of every card of this rule: rule, pack, review date and references.</summary>
    internal string Footer { get; }

    public bool AppliesTo(string hook) => Array.IndexOf(_hooks, hook) >= 0;
}
