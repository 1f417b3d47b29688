namespace KetamineCds.Rules.Tests;

/// <summary>A private copy of the shipped pack folder for a test to edit as an admin would; deleted after the test.</summary>
public sealed class PackFolderCopy : IDisposable
{
    public PackFolderCopy()
    {
        foreach (var file in Directory.EnumerateFiles(Repository.RulesFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Folder, Path.GetRelativePath(Repository.RulesFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"ketamine-pack-{Guid.NewGuid():N}");

    /// <summary>Replaces every <paramref name="from"/> in one file; the test fails if the text is not there.</summary>
    public void Edit(string file, string from, string to)
    {
        var path = Path.Combine(Folder, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>Replaces the first <paramref name="from"/> after <paramref name="anchor"/> (a rule id) in one file.</summary>
    public void EditAfter(string file, string anchor, string from, string to)
    {
        var path = Path.Combine(Folder, file);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(from, text.IndexOf(anchor, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not found after '{anchor}' in {file}");
        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length)));
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
