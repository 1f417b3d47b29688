using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Evaluation;

/// <summary>How a piece of evidence reads on a card: "Systolic blood pressure: **186 mm[Hg]** on 2026-11-25 (note)".</summary>
internal static class EvidenceText
{
    public static string ToMarkdown(this EvidenceItem evidence)
    {
        var text = Markdown.Escape(evidence.Label);
        if (evidence.Value is not null)
        {
            text += $": **{Markdown.Escape(evidence.Value)}**";
        }

        if (evidence.Date is { } date)
        {
            text += $" on {date:yyyy-MM-dd}";
        }

        if (evidence.Note is not null)
        {
            text += $" ({Markdown.Escape(evidence.Note)})";
        }

        return text;
    }
}
