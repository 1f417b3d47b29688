using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The README's shell commands, as a reader copies them: the <c>```bash</c> blocks of one section, with their
/// continuation lines joined, run by bash from the repository root in a process group of their own (so whatever a
/// block starts in the background, a service or a web server, is stopped with it).
/// </summary>
public sealed partial class ReadmeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _output;

    private ReadmeScript(Process process, string output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>The commands of the <c>```bash</c> blocks under a README heading (up to the next heading of that level).</summary>
    public static IReadOnlyList<string> Commands(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf($"\n{heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no heading '{heading}'");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var end = readme.IndexOf($"\n{level}", start + heading.Length + 2, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return
        [
            .. BashBlock().Matches(section)
                .SelectMany(block => block.Groups["body"].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
                .Where(line => !string.IsNullOrWhiteSpace(line)),
        ];
    }

    /// <summary>Starts the commands as one bash script; its output (and its background jobs') goes to a file.</summary>
    public static ReadmeScript Start(IEnumerable<string> commands)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"readme-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "commands.sh");
        var output = Path.Combine(folder, "output.txt");
        File.WriteAllText(script, string.Join('\n', commands) + "\n");
        // setsid: a new process group whose id is this process's id, so DisposeAsync can stop the whole group.
        var start = new ProcessStartInfo("setsid", ["bash", "-c", $"exec bash '{script}' > '{output}' 2>&1"])
        {
            WorkingDirectory = Repository.Root,
            UseShellExecute = false,
        };
        return new ReadmeScript(Process.Start(start) ?? throw new InvalidOperationException("bash did not start"), output);
    }

    /// <summary>Runs the commands to their end; background jobs they started keep running until disposal.</summary>
    public static async Task<(int ExitCode, string Output, ReadmeScript Script)> RunAsync(IEnumerable<string> commands, TimeSpan timeout)
    {
        var script = Start(commands);
        using var cancel = new CancellationTokenSource(timeout);
        await script._process.WaitForExitAsync(cancel.Token);
        return (script._process.ExitCode, script.Output, script);
    }

    public string Output => File.Exists(_output) ? File.ReadAllText(_output) : "";

    public async ValueTask DisposeAsync()
    {
        // The group outlives bash when a block started background jobs.
        await Command.RunAsync("kill", ["-TERM", "--", $"-{_process.Id}"]);
        if (!_process.HasExited)
        {
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
