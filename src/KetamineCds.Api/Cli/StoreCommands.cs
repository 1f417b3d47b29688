using System.CommandLine;
using System.Globalization;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Facts;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds store migrate</c> applies the schema; <c>ketamine-cds stats --since 30d</c> prints rule statistics.
/// Both read Store:ConnectionString as the service does (appsettings.json beside the binary, then environment
/// variables such as Store__ConnectionString), or take <c>--connection</c>.
/// </summary>
public static class StoreCommands
{
    public static IEnumerable<Command> Create()
    {
        var connection = new Option<string?>("--connection") { Description = "Store connection string (default: Store:ConnectionString from configuration)" };
        var migrate = new Command("migrate", "Apply the store's schema migrations (idempotent)") { connection };
        migrate.SetAction(parse =>
        {
            Store(parse.GetValue(connection)).Migrate();
            Console.WriteLine("store schema is up to date");
            return 0;
        });

        var olderThan = new Option<string>("--older-than") { Description = "Delete records older than this: 400d, 57w, 13mo (default: Store:RetentionDays)" };
        var purgeConnection = new Option<string?>("--connection") { Description = "Store connection string (default: Store:ConnectionString from configuration)" };
        var purge = new Command("purge", "Delete feedback and audit records older than the retention period now (the service does it every six hours)") { olderThan, purgeConnection };
        purge.SetAction(async (parse, cancellationToken) => await PurgeAsync(parse.GetValue(olderThan), parse.GetValue(purgeConnection), cancellationToken));

        var since = new Option<string>("--since") { Description = "Look-back: 7d, 12w, 6mo, 1y", DefaultValueFactory = _ => "30d" };
        var statsConnection = new Option<string?>("--connection") { Description = "Store connection string (default: Store:ConnectionString from configuration)" };
        var stats = new Command("stats", "Per rule: cards issued, accepted, overridden, override rate and top override reasons") { since, statsConnection };
        stats.SetAction(async (parse, cancellationToken) => await PrintStatisticsAsync(parse.GetValue(since)!, parse.GetValue(statsConnection), cancellationToken));

        return [new Command("store", "Feedback and audit store") { migrate, purge }, stats];
    }

    private static async Task<int> PurgeAsync(string? olderThan, string? connection, CancellationToken cancellationToken)
    {
        var (store, options) = Configured(connection);
        var now = TimeProvider.System.GetUtcNow();
        var before = olderThan is null ? now.AddDays(-options.RetentionDays) : LookBack.Parse(olderThan)?.Since(now);
        if (before is null)
        {
            Console.Error.WriteLine($"'{olderThan}' is not a period; write e.g. 400d, 57w or 13mo");
            return 2;
        }

        try
        {
            var removed = await store.PurgeAsync(before.Value, cancellationToken);
            Console.WriteLine($"purged {removed} records older than {before:yyyy-MM-dd HH:mm} UTC");
            return 0;
        }
        catch (StoreUnavailableException ex)
        {
            Console.Error.WriteLine($"{ex.Message}: {ex.InnerException?.GetType().Name}");
            return 1;
        }
    }

    private static SqlCdsStore Store(string? connection) => Configured(connection).Store;

    internal static (SqlCdsStore Store, StoreOptions Options) Configured(string? connection)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        if (connection is not null)
        {
            options.ConnectionString = connection;
        }

        return (new SqlCdsStore(Options.Create(options), TimeProvider.System), options);
    }

    private static async Task<int> PrintStatisticsAsync(string since, string? connection, CancellationToken cancellationToken)
    {
        if (LookBack.Parse(since)?.Since(TimeProvider.System.GetUtcNow()) is not { } from)
        {
            Console.Error.WriteLine($"'{since}' is not a look-back; write e.g. 30d, 12w or 6mo");
            return 2;
        }

        try
        {
            var rows = await Store(connection).RuleStatisticsAsync(from, cancellationToken);
            Console.WriteLine($"Rule statistics since {from:yyyy-MM-dd} ({since})");
            Console.WriteLine($"{"rule",-20} {"issued",7} {"accepted",9} {"overridden",11} {"override rate",14}  top override reasons");
            foreach (var row in rows)
            {
                var rate = row.OverrideRate is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "-";
                var reasons = string.Join("; ", row.TopOverrideReasons.Select(x => $"{x.Display ?? x.Code} ×{x.Count}"));
                Console.WriteLine($"{row.RuleId,-20} {row.Issued,7} {row.Accepted,9} {row.Overridden,11} {rate,14}  {reasons}");
            }

            return 0;
        }
        catch (StoreUnavailableException ex)
        {
            Console.Error.WriteLine($"{ex.Message}: {ex.InnerException?.GetType().Name}");
            return 1;
        }
    }
}
