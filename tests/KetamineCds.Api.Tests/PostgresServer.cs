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
            (await Command.RunAsync("chown", ["postgres", _dataDirectory])).EnsureSuccess();
        }

        await RunAsPostgresAsync(Path.Combine(_binaries, "initdb"), "-D", _dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
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

    public Task StopAsync() => RunAsPostgresAsync(Path.Combine(_binaries!, "pg_ctl"), "-D", _dataDirectory!, "-m", "fast", "-w", "stop");

    public Task StartAsync() => RunAsPostgresAsync(Path.Combine(_binaries!, "pg_ctl"),
        "-D", _dataDirectory!, "-l", $"{_dataDirectory}/server.log", "-w", "-o", $"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    public bool CanStopAndStart => _dataDirectory is not null;

    public async Task DisposeAsync()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        // Best effort: the server may already be down (the fault test stops it).
        var (program, arguments) = PostgresUser(Path.Combine(_binaries!, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
        await Command.RunAsync(program, arguments);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsPostgresAsync(string file, params string[] arguments)
    {
        var (program, all) = PostgresUser(file, arguments);
        (await Command.RunAsync(program, all)).EnsureSuccess();
    }

    // PostgreSQL refuses to run as root: as root, run its tools as the package's postgres user.
    private static (string File, string[] Arguments) PostgresUser(string file, string[] arguments) =>
        Environment.UserName == "root" ? ("runuser", ["-u", "postgres", "--", file, .. arguments]) : (file, arguments);
}
