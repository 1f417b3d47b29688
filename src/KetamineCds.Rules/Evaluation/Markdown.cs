using System.Buffers;
using System.Text;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Escapes patient-supplied text before it goes into card Markdown, so data can never become markup or HTML.</summary>
public static class Markdown
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\\`*_[]<>#|!\r\n");

    public static string Escape(string text)
    {
        if (!text.AsSpan().ContainsAny(Special))
        {
            return text; // most labels and values: nothing to escape, nothing to copy
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '!')
            {
                builder.Append('\\');
            }

            builder.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return builder.ToString();
    }
}
