using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The service as an operator runs it: its own process (<c>dotnet ketamine-cds.dll --urls …</c>) on a free loopback
/// port, configured by environment variables. For the browser test and the multi-replica tests, which need a real
/// listener and real signals rather than the in-memory test server.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <param name="port">A port chosen by the caller (when a setting such as Auth:Audience must name it), else a free one.</param>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, int? port = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServiceBinary);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var name = Guid.NewGuid().ToString("N");
        start.Environment["Store__ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"{name}.db")}";
        start.Environment["Audit__JournalFolder"] = Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"{name}-journal");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>Runs a command-line verb of the service binary (<c>rules check</c>, <c>rules explain</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunVerbAsync(params string[] args)
    {
        var result = await Command.RunAsync("dotnet", [ServiceBinary, .. args]);
        return (result.ExitCode, result.Output, result.Error);
    }

    /// <summary>SIGKILL (kill -9), as the OOM killer or a node failure ends a process: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Kubernetes sends at pod termination.</summary>
    public void Terminate()
    {
        Command.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).GetAwaiter().GetResult().EnsureSuccess();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service was not ready within 60 s:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
    }

    /// <summary>The service binary built beside this test assembly's configuration (Debug or Release).</summary>
    private static string ServiceBinary
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(Repository.Root, "src", "KetamineCds.Api", "bin", configuration, "net10.0", "ketamine-cds.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build the service first", path);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
