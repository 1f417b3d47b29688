using System.Text.RegularExpressions;

namespace KetamineCds.Tests.Architecture;

/// <summary>What the architecture tests of both projects check against a <see cref="LayerTable"/>.</summary>
public static class LayerRules
{
    /// <summary>Folders missing from the table or listed twice, rows naming unknown folders, and rows that use a folder above them.</summary>
    public static List<string> TableProblems(IReadOnlyList<(string Folder, IReadOnlySet<string> MayUse)> table, IEnumerable<string> folders)
    {
        var problems = new List<string>();
        var listed = table.Select(t => t.Folder).ToList();
        var actual = folders.ToHashSet(StringComparer.Ordinal);
        problems.AddRange(actual.Except(listed).Select(f => $"folder {f} is not in the table"));
        problems.AddRange(listed.Except(actual).Select(f => $"the table lists {f}, which is not a folder"));
        problems.AddRange(listed.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => $"{g.Key} is listed twice"));
        for (var row = 0; row < table.Count; row++)
        {
            var below = listed.Take(row).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(table[row].MayUse.Where(u => !below.Contains(u)).Select(u => $"{table[row].Folder} uses {u}, which is not below it"));
        }

        return problems;
    }

    /// <summary>
    /// The namespaces a folder must not use: the project's root namespace itself, and every other folder of the
    /// project that the table does not allow it.
    /// </summary>
    public static string Forbidden(string root, string folder, IReadOnlySet<string> mayUse)
    {
        var allowed = string.Join("|", mayUse.Append(folder).Select(Regex.Escape));
        return $@"^{Regex.Escape(root)}(\.(?!({allowed})(\.|$)).+)?$";
    }
}
