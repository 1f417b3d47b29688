using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>A validated rule, its condition compiled. Immutable; shared by every request on the pack.</summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleSpec spec, ICondition condition, IReadOnlyList<(string Label, ICondition Condition)> checklist, string file, int line)
    {
        Spec = spec;
        Condition = condition;
        Checklist = checklist;
        File = file;
        Line = line;
        Indicator = Enum.Parse<Indicator>(spec.Card.Indicator, ignoreCase: true);
    }

    public RuleSpec Spec { get; }
    public string Id => Spec.Id;
    public string Version => Spec.Version;
    public bool IsActive => Spec.Status == "active";
    public Indicator Indicator { get; }
    public string File { get; }
    public int Line { get; }
    internal ICondition Condition { get; }
    internal IReadOnlyList<(string Label, ICondition Condition)> Checklist { get; }

    public bool AppliesTo(string hook) => Spec.Hooks.Contains(hook);
}
