using System.Text.RegularExpressions;

namespace KetamineCds.Api.Tests;

/// <summary>A private copy of the shipped rule pack that a test edits the way an admin would, file by file.</summary>
public sealed partial class RulePackCopy : IDisposable
{
    public RulePackCopy()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ketamine-cds-rules", Guid.NewGuid().ToString("N"));
        var source = Path.Combine(Repository.Root, "rules");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Folder { get; }

    public void SetPackVersion(string version) =>
        Edit("pack.yaml", text => PackVersion().Replace(text, $"version: {version}", 1));

    /// <summary>Gives a rule the next minor version, as a changed rule must have before it goes live; returns it.</summary>
    public string BumpRuleVersion(string relativePath, string ruleId)
    {
        var bumped = "";
        Edit(relativePath, text => RuleVersion(ruleId).Replace(text, match =>
        {
            var parts = match.Groups["version"].Value.Split('.').Select(int.Parse).ToArray();
            bumped = $"{parts[0]}.{parts[1] + 1}.0";
            return match.Groups["head"].Value + bumped;
        }, 1));
        return bumped;
    }

    /// <summary>Replaces the first <paramref name="oldValue"/> after <paramref name="anchor"/> (a rule id, a case name) in one file.</summary>
    public void EditAfter(string relativePath, string anchor, string oldValue, string newValue) => Edit(relativePath, text =>
    {
        var at = text.IndexOf(oldValue, text.IndexOf(anchor, StringComparison.Ordinal), StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), newValue, text.AsSpan(at + oldValue.Length));
    });

    public void Edit(string relativePath, Func<string, string> change)
    {
        var path = Path.Combine(Folder, relativePath);
        var before = File.ReadAllText(path);
        var after = change(before);
        if (after == before)
        {
            throw new InvalidOperationException($"the edit of {relativePath} changed nothing");
        }

        File.WriteAllText(path, after);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static Regex RuleVersion(string ruleId) =>
        new($@"(?<head>- id: {Regex.Escape(ruleId)}\n\s+version: )(?<version>\d+\.\d+\.\d+)", RegexOptions.None, TimeSpan.FromSeconds(1));

    [GeneratedRegex("^version: .*$", RegexOptions.Multiline)]
    private static partial Regex PackVersion();
}
