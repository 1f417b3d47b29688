using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The service in-process, on the shipped rule pack, with the clock pinned to 2026-11-26 10:00 UTC (the date the
/// example requests are written for) and, optionally, a FHIR server on the allowlist.
/// </summary>
public class KetamineCdsApplication : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public KetamineCdsApplication()
        : this(new Dictionary<string, string?>())
    {
    }

    protected KetamineCdsApplication(IReadOnlyDictionary<string, string?> settings, DateTimeOffset? now = null)
    {
        _settings = settings;
        Clock = new FakeTimeProvider(now ?? PinnedNow);
    }

    public static readonly DateTimeOffset PinnedNow = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; }

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Rules:Path", Path.Combine(Repository.Root, "rules"));
        // Each host gets its own SQLite file, so tests never share audit or feedback rows.
        builder.UseSetting("Store:ConnectionString", $"Data Source={DatabasePath}");
        builder.UseSetting("Audit:JournalFolder", Path.ChangeExtension(DatabasePath, ".journal"));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddKeyedSingleton<TimeProvider>(RulePack.ClinicalClock.Key, Clock));
    }
}

/// <summary>The service with extra settings and its clinical clock pinned to a chosen instant.</summary>
public sealed class ConfiguredApplication(IReadOnlyDictionary<string, string?> settings, DateTimeOffset? now = null)
    : KetamineCdsApplication(settings, now);

/// <summary>The service in Production, as a site runs it (settings a test gives on top).</summary>
public sealed class ProductionApplication(IReadOnlyDictionary<string, string?> settings) : KetamineCdsApplication(settings)
{
    /// <summary>Production with authentication off on purpose and a real audit hash key: starts, for tests of other settings.</summary>
    public static ProductionApplication WithAuthenticationOffOnPurpose(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Enabled"] = "false",
            ["Auth:AllowDisabledOutsideDevelopment"] = "true",
            ["Store:AuditHashKey"] = "a-test-secret-of-at-least-thirty-two-characters",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new ProductionApplication(settings);
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseEnvironment(builder, "Production");
    }
}

public static class Repository
{
    public static string Root { get; } = FindRoot();
    public static string Examples => Path.Combine(Root, "examples", "requests");
    public static string ThirdParty => Path.Combine(Root, "tests", "third-party");

    /// <summary>The shipped pack's version, as <c>rules/pack.yaml</c> says: tests of the live pack read it rather than repeat it.</summary>
    public static string ShippedPackVersion { get; } = File.ReadLines(Path.Combine(Root, "rules", "pack.yaml"))
        .First(line => line.StartsWith("version: ", StringComparison.Ordinal))["version: ".Length..].Trim();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KetamineCds.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("KetamineCds.sln not found");
    }
}
