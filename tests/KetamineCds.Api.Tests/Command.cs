using System.Diagnostics;

namespace KetamineCds.Api.Tests;

/// <summary>Runs a program to its end and keeps what it printed: the one way the tests call initdb, npm, kubectl, the CLI.</summary>
public static class Command
{
    public sealed record Result(string Program, int ExitCode, string Output, string Error)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{Program} failed ({ExitCode}): {Output} {Error}");
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return new Result($"{file} {string.Join(' ', start.ArgumentList)}", process.ExitCode, await output, await error);
    }
}
