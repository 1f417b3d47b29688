using System.Text.RegularExpressions;

namespace KetamineCds.Tests.Architecture;

/// <summary>
/// The allowed direction between a project's folders, read from the layer tables of <c>docs/architecture.md</c>: the
/// document a newcomer reads is the data the architecture tests check, so the two cannot drift apart. Each table line
/// is <c>Folder  → Lower, Folders   what it holds</c> (or <c>(none…)</c>), bottom to top.
/// </summary>
public static partial class LayerTable
{
    /// <summary>The folders of the table under <paramref name="heading"/>, in order, each with the folders it may use.</summary>
    public static IReadOnlyList<(string Folder, IReadOnlySet<string> MayUse)> Read(string document, string heading)
    {
        var lines = document.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"docs/architecture.md has no heading '{heading}'");
        }

        var open = Array.FindIndex(lines, start, l => l.StartsWith("```", StringComparison.Ordinal));
        var close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        var table = new List<(string, IReadOnlySet<string>)>();
        foreach (var line in lines[(open + 1)..close])
        {
            var match = Row().Match(line);
            if (!match.Success)
            {
                continue; // a wrapped description, or Program.cs
            }

            var uses = match.Groups["uses"].Value;
            IReadOnlySet<string> mayUse = uses.StartsWith('(')
                ? new HashSet<string>()
                : uses.TrimStart('→', ' ').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            table.Add((match.Groups["folder"].Value, mayUse));
        }

        return table;
    }

    // "Facts        → Conditions, Record, Model, Terminology      the closed set…": the folder, then its uses up to two spaces.
    [GeneratedRegex(@"^(?<folder>[A-Z][A-Za-z]+)\s{2,}(?<uses>\(none[^)]*\)|→ [A-Za-z, ]+?)(\s{2,}|$)")]
    private static partial Regex Row();
}
