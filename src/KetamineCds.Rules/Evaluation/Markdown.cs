using System.Text;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Escapes patient-supplied text before it goes into card Markdown, so data can never become markup or HTML.</summary>
public static class Markdown
{
    public static string Escape(string text)
    {
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
