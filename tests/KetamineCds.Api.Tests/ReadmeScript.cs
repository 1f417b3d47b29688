using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The README's shell commands, as a reader copies them: the <c>```bash</c> blocks of one section, with their
/// continuation lines joined, run by bash from the repository root in a process group of their own, so whatever a
/// block starts in the background (a service, a web server) ends with it: disposal signals the group, escalates to
/// SIGKILL, and waits until no process of the group is left. The README's fixed ports (the quick start's 5080, the
/// second instance's 5081, the JWKS server's 5096) are swapped for free ones, so a run never depends on them being free.
/// </summary>
public sealed partial class ReadmeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int _group;
    private readonly string _output;

    private ReadmeScript(Process process, string output)
    {
        _process = process;
        _group = process.Id; // setsid made the script's process the leader of a new group: its id is the group's
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

    /// <summary>The README's fixed ports, each with a free port chosen for this test run.</summary>
    public static IReadOnlyDictionary<int, int> Ports { get; } = new[] { 5080, 5081, 5096 }.ToDictionary(p => p, _ => ServiceProcess.FreePort());

    /// <summary>A README line with its fixed ports swapped for this run's.</summary>
    public static string OnFreePorts(string text) =>
        Ports.Aggregate(text, (current, port) => Regex.Replace(current, $@"(?<=[:= ]){port.Key}\b", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Starts the commands as one bash script; its output (and its background jobs') goes to a file.</summary>
    /// <param name="environment">Extra environment of the script, e.g. the quick start's port (its launch profile fixes 5080).</param>
    public static ReadmeScript Start(IEnumerable<string> commands, IReadOnlyDictionary<string, string>? environment = null)
    {
        commands = commands.Select(OnFreePorts);
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ReadmeScript(Process.Start(start) ?? throw new InvalidOperationException("bash did not start"), output);
    }

    /// <summary>Runs the commands to their end; background jobs they started keep running until disposal.</summary>
    public static async Task<(int ExitCode, string Output, ReadmeScript Script)> RunAsync(IEnumerable<string> commands, TimeSpan timeout)
    {
        var script = Start(commands);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await script._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            await script.DisposeAsync(); // a hung block must not leave its background jobs behind
            throw new TimeoutException($"the README commands did not finish within {timeout}: {script.Output}");
        }

        return (script._process.ExitCode, script.Output, script);
    }

    public string Output => File.Exists(_output) ? File.ReadAllText(_output) : "";

    public async ValueTask DisposeAsync()
    {
        // The group outlives bash when a block started background jobs: TERM first, then KILL what is left.
        var group = $"-{_group}";
        await Command.RunAsync("kill", ["-TERM", "--", group]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (GroupAlive() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        if (GroupAlive())
        {
            await Command.RunAsync("kill", ["-KILL", "--", group]);
        }

        if (!_process.HasExited)
        {
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Whether any process of the script's group is still running.</summary>
    public bool GroupAlive() => Command.RunAsync("pgrep", ["-g", _group.ToString(System.Globalization.CultureInfo.InvariantCulture)]).GetAwaiter().GetResult().ExitCode == 0;

    [GeneratedRegex(@"```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
