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

    /// <summary>Splits a template once, at pack load, into literal text and placeholder names.</summary>
    internal static CompiledTemplate Compile(string template)
    {
        var parts = new List<(string Text, bool IsPlaceholder)>();
        var at = 0;
        foreach (Match match in Placeholder().Matches(template))
        {
            parts.Add((template[at..match.Index], false));
            parts.Add((match.Groups[1].Value, true));
            at = match.Index + match.Length;
        }

        parts.Add((template[at..], false));
        return new CompiledTemplate([.. parts.Where(p => p.IsPlaceholder || p.Text.Length > 0)]);
    }

    /// <summary>A summary on one line: runs of white space (an empty value leaves two spaces) become one.</summary>
    internal static string AsSummary(string rendered)
    {
        rendered = Whitespace().Replace(rendered, " ").Trim();
        // Values are capped at their declared maximum, so this only guards against a future placeholder.
        return rendered.Length < MaxSummaryLength ? rendered : rendered[..(MaxSummaryLength - 2)] + "…";
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Whitespace();
}

/// <summary>A card text as literal parts and placeholders; rendering is concatenation.</summary>
internal sealed class CompiledTemplate((string Text, bool IsPlaceholder)[] parts)
{
    public bool Uses(string placeholder) => Array.Exists(parts, p => p.IsPlaceholder && p.Text == placeholder);

    public string Render(Func<string, string> valueOf) => RenderInto(new System.Text.StringBuilder(), valueOf).ToString();

    public System.Text.StringBuilder RenderInto(System.Text.StringBuilder text, Func<string, string> valueOf)
    {
        foreach (var (part, isPlaceholder) in parts)
        {
            text.Append(isPlaceholder ? valueOf(part) : part);
        }

        return text;
    }
}
