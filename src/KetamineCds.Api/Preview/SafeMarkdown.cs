using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace KetamineCds.Api.Preview;

/// <summary>
/// Renders card Markdown to HTML for the preview page the way a careful EHR does: raw HTML in the text is shown as
/// text (never markup), and only http(s) links survive, so neither rule text nor patient data can inject script.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrEmpty(markdown))
        {
            return "";
        }

        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsWebUrl(link.Url))
            {
                link.Url = "";
            }

            // Images would fetch from anywhere as the admin views the page; show their text instead.
            link.IsImage = false;
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().Where(a => !IsWebUrl(a.Url)))
        {
            autolink.Url = "";
        }

        return document.ToHtml(Pipeline);
    }

    private static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
