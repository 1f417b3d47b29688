using System.Diagnostics;

namespace KetamineCds.Api.Tests;

/// <summary>
/// A real FHIR REST implementation for the integration test: Medplum's FHIR router over its in-memory repository
/// (tests/medplum/fhir-server.mjs, npm @medplum/fhir-router 4.5.2), loaded with Synthea bundles. Installs its npm
/// packages on first use so `dotnet test` works on a fresh machine, then starts Node on a free loopback port.
/// </summary>
public sealed class MedplumFhirServer : IAsyncLifetime
{
    /// <summary>More bundles to load beside the Synthea ones (files the test wrote).</summary>
    public IReadOnlyList<string> ExtraBundleFiles { get; init; } = [];

    public static readonly string[] Bundles =
    [
        "Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json",
        "Milan_Beatty_e78d0ed2-1b54-4c30-90ae-f7405af1e402.json",
    ];

    private Process? _node;

    public string BaseUrl { get; private set; } = "";

    private static string Folder => Path.Combine(Repository.Root, "tests", "medplum");

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@medplum", "fhir-router")))
        {
            (await Command.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], Folder, TimeSpan.FromMinutes(5))).EnsureSuccess();
        }

        var files = Bundles.Select(b => Path.Combine(Repository.ThirdParty, "fhir-patients", "synthea-smart-r4", b)).Concat(ExtraBundleFiles);
        var bundles = string.Join(" ", files.Select(f => $"\"{f}\""));
        _node = Process.Start(new ProcessStartInfo("node", $"fhir-server.mjs 0 {bundles}")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("node did not start");
        var line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Medplum FHIR server failed to start: {line} {await _node.StandardError.ReadToEndAsync()}");
        }

        BaseUrl = $"http://127.0.0.1:{line["listening ".Length..]}";
    }

    public Task DisposeAsync()
    {
        if (_node is { HasExited: false })
        {
            _node.Kill(entireProcessTree: true);
        }

        _node?.Dispose();
        return Task.CompletedTask;
    }
}
