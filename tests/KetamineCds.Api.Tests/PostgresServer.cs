using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace KetamineCds.Api.Tests;

/// <summary>
/// A real PostgreSQL server for the store tests: the one in KETAMINE_TEST_POSTGRES when set (CI can point at its own),
/// otherwise a throwaway cluster started from Debian's postgresql package (initdb + pg_ctl) on a free loopback port.
/// It can be stopped and started again, for the fault test.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDirectory;
    private string? _binaries;
    private int _port;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("KETAMINE_TEST_POSTGRES") is { Length: > 0 } external)
        {
            AdminConnectionString = external;
            return;
        }

        _binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (_binaries is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (or set KETAMINE_TEST_POSTGRES).");
        }

        _dataDirectory = Path.Combine(Path.GetTempPath(), $"ketamine-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDirectory);
        if (Environment.UserName == "root")
        {
            // PostgreSQL refuses to run as root; the package's postgres user owns the throwaway cluster.
            await RunAsync("chown", $"postgres \"{_dataDirectory}\"");
        }

        await RunAsPostgresAsync(Path.Combine(_binaries, "initdb"), $"-D \"{_dataDirectory}\" -A trust -U postgres --no-sync -E UTF8");
        _port = FreePort();
        await StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";
    }

    /// <summary>A fresh, empty database for one test.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"kc_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    public Task StopAsync() => RunAsPostgresAsync(Path.Combine(_binaries!, "pg_ctl"), $"-D \"{_dataDirectory}\" -m fast -w stop");

    public Task StartAsync() => RunAsPostgresAsync(Path.Combine(_binaries!, "pg_ctl"),
        $"-D \"{_dataDirectory}\" -l \"{_dataDirectory}/server.log\" -w -o \"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off\" start");

    public bool CanStopAndStart => _dataDirectory is not null;

    public async Task DisposeAsync()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        await RunAsPostgresAsync(Path.Combine(_binaries!, "pg_ctl"), $"-D \"{_dataDirectory}\" -m immediate -w stop", throwOnError: false);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsPostgresAsync(string file, string arguments, bool throwOnError = true) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", $"-u postgres -- {file} {arguments}", throwOnError)
            : RunAsync(file, arguments, throwOnError);

    private static async Task RunAsync(string file, string arguments, bool throwOnError = true)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0 && throwOnError)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await output} {await error}");
        }
    }
}
