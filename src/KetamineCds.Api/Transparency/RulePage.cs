using System.Net;
using System.Security.Cryptography;
using System.Text;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.Transparency;

/// <summary>
/// One rule's public page, as HTML: what the rule is for, what it checks and with which thresholds, the evidence and
/// where the thresholds come from, who developed and signed it off, when it was last reviewed, and which demographic
/// or assessment data it uses. No patient data, no script; every text is HTML-encoded.
/// </summary>
public static class RulePage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
        h1{font-size:1.4rem;margin-bottom:.2rem}.meta{color:#555;margin-top:0}dt{font-weight:600;margin-top:.8rem}dd{margin-left:0}
        .critical{color:#a40000}.warning{color:#8a5a00}.info{color:#004f8a}footer{margin-top:2rem;color:#555;font-size:.9rem}
        """;

    /// <summary>The page's Content-Security-Policy: no script at all, and only this page's own style block.</summary>
    public static readonly string SecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static string Html(InterventionDetails rule, CompiledPack pack)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append($"<title>{E(rule.RuleId)}: {E(rule.Title)}</title><style>{Style}</style></head><body><main>")
            .Append($"<h1>{E(rule.Title)}</h1>")
            .Append($"<p class=\"meta\">Rule <strong>{E(rule.RuleId)}</strong> version {E(rule.Version)} · {E(rule.Category)} · ")
            .Append($"<span class=\"{E(rule.Indicator)}\">{E(rule.Indicator)}</span> card · hooks {E(string.Join(", ", rule.Hooks))}</p>")
            .Append("<dl>");
        Item(html, "Intended use", E(rule.IntendedUse));
        Item(html, "What it checks", rule.Thresholds.Count == 0 ? "Whether the record holds what the rule names (no numeric threshold)."
            : $"<ul>{string.Concat(rule.Thresholds.Select(t => $"<li>{E(t)}</li>"))}</ul>");
        Item(html, "Where the thresholds come from", E(rule.ThresholdSource ?? "The evidence below; every threshold is a default for the deploying site's governance group to sign off."));
        Item(html, "Evidence", rule.Evidence.Count == 0 ? "None recorded."
            : $"<ul>{string.Concat(rule.Evidence.Select(e => $"<li>{Cited(e)}</li>"))}</ul>");
        Item(html, "Data it uses that ONC HTI-1 asks to be named", rule.DataElements.Count == 0
            ? "None of race, ethnicity, language, sexual orientation, gender identity, sex, date of birth, social determinants of health or health status assessments."
            : E(string.Join("; ", rule.DataElements)));
        Item(html, "Developer", E(rule.Developer) + (rule.Contact is { } contact ? $" ({E(contact)})" : ""));
        Item(html, "Funding source", E(rule.FundingSource ?? "Not stated."));
        Item(html, "Governance sign-off", rule.SignedOffBy is { } by
            ? $"{E(by)}{(rule.SignedOffOn is { } on ? $", {E(on)}" : "")}"
            : "Not yet signed off by the deploying site's governance group.");
        Item(html, "Released", E(rule.Released ?? "Not stated."));
        Item(html, "Last reviewed", E(rule.LastReviewed));
        Item(html, "Card topic code", $"<code>{E(rule.TopicCode)}</code> (static, so an EHR can remember an acknowledgement)");
        html.Append("</dl><footer>")
            .Append($"Pack {E(pack.Label)}, content hash <code>{E(pack.ContentHash[..12])}</code>. ")
            .Append("Advisory only: IV ketamine for depression is off-label, and the prescriber decides. This page holds no patient data.")
            .Append("</footer></main></body></html>");
        return html.ToString();
    }

    private static void Item(StringBuilder html, string term, string definition) => html.Append($"<dt>{E(term)}</dt><dd>{definition}</dd>");

    private static string Cited(Rules.Model.ReferenceSpec reference)
    {
        var citation = Uri.TryCreate(reference.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? $"<a href=\"{E(url.AbsoluteUri)}\">{E(reference.Citation)}</a>"
            : E(reference.Citation);
        return reference.Strength is { } strength ? $"{citation} <small>(evidence: {E(strength)})</small>" : citation;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
