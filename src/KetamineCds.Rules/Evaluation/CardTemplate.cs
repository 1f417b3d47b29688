using System.Text.RegularExpressions;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// Card text placeholders, filled from the evidence that fired the rule. Each has a maximum rendered length so the
/// validator can prove a summary never exceeds the spec's 140 characters (CDS Hooks 2.0 §Card: summary "&lt;140 characters").
/// </summary>
public static partial class CardTemplate
{
    public const int MaxSummaryLength = 140;

    /// <summary>Placeholders allowed in a summary, with their longest rendering.</summary>
    public static readonly IReadOnlyDictionary<string, int> SummaryPlaceholders = new Dictionary<string, int>
    {
        ["value"] = 24,
        ["date"] = 10,
        ["count"] = 3,
        ["age"] = 3,
    };

    /// <summary>Placeholders allowed only in the Markdown detail.</summary>
    public static readonly IReadOnlySet<string> DetailOnlyPlaceholders = new HashSet<string> { "evidence", "checklist" };

    public static IEnumerable<string> PlaceholdersIn(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    public static int LongestRendering(string template) =>
        Placeholder().Replace(template, "").Length
        + PlaceholdersIn(template).Sum(p => SummaryPlaceholders.TryGetValue(p, out var max) ? max : 0);

    public static string Render(string template, IReadOnlyDictionary<string, string> values, bool isSummary)
    {
        var rendered = Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : "");
        if (isSummary)
        {
            rendered = Regex.Replace(rendered, @"\s{2,}", " ").Trim();
            // Values are capped at their declared maximum, so this only guards against a future placeholder.
            if (rendered.Length >= MaxSummaryLength)
            {
                rendered = rendered[..(MaxSummaryLength - 2)] + "…";
            }
        }

        return rendered;
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
