using System.CommandLine;
using KetamineCds.Api.Admin;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds rules history</c> lists every pack that went live on any replica; <c>ketamine-cds rules at TIME</c>
/// says which pack and rule versions each replica was serving at a time. Both read the store as <c>stats</c> does.
/// </summary>
public static class HistoryCommands
{
    public static IEnumerable<Command> Create()
    {
        var limit = new Option<int>("--limit") { Description = "How many entries, newest first", DefaultValueFactory = _ => 20 };
        var connection = new Option<string?>("--connection") { Description = "Store connection string (default: Store:ConnectionString from configuration)" };
        var history = new Command("history", "Every rule pack that went live, newest first: time, replica, trigger, old -> new pack, impact") { limit, connection };
        history.SetAction(async (parse, cancellationToken) => await HistoryAsync(parse.GetValue(limit), parse.GetValue(connection), cancellationToken));

        var time = new Argument<string>("time") { Description = "An ISO 8601 time, e.g. 2026-12-01T14:30:00Z (a time without an offset is UTC)" };
        var atConnection = new Option<string?>("--connection") { Description = "Store connection string (default: Store:ConnectionString from configuration)" };
        var at = new Command("at", "Which pack and rule versions each replica was serving at a time") { time, atConnection };
        at.SetAction(async (parse, cancellationToken) => await AtAsync(parse.GetValue(time)!, parse.GetValue(atConnection), cancellationToken));
        return [history, at];
    }

    private static async Task<int> HistoryAsync(int limit, string? connection, CancellationToken cancellationToken)
    {
        try
        {
            var entries = await StoreCommands.Configured(connection).Store.PackHistoryAsync(TimeProvider.System.GetUtcNow(), Math.Clamp(limit, 1, 1000), cancellationToken);
            Console.WriteLine($"{"time (UTC)",-20} {"replica",-24} {"trigger",-14} pack");
            foreach (var entry in entries)
            {
                var from = entry.OldPack is null ? "" : $"{entry.OldPack} ({entry.OldHash?[..12]}) -> ";
                Console.WriteLine($"{entry.At:yyyy-MM-dd HH:mm:ss} {entry.Replica,-24} {entry.MadeBy,-14} {from}{entry.NewPack} ({entry.NewHash[..12]})");
                if (entry.Impact is not null)
                {
                    Console.WriteLine($"{"",20} impact: {entry.Impact}");
                }
            }

            return 0;
        }
        catch (StoreUnavailableException ex)
        {
            Console.Error.WriteLine($"{ex.Message}: {ex.InnerException?.GetType().Name}");
            return 1;
        }
    }

    private static async Task<int> AtAsync(string text, string? connection, CancellationToken cancellationToken)
    {
        if (!PackHistoryApi.TryParseTime(text, out var at))
        {
            Console.Error.WriteLine($"'{text}' is not a time; write e.g. 2026-12-01T14:30:00Z");
            return 2;
        }

        try
        {
            var live = await PackHistoryApi.LiveAtAsync(StoreCommands.Configured(connection).Store, at, cancellationToken);
            if (live.Count == 0)
            {
                Console.WriteLine($"no pack was recorded live at or before {at:yyyy-MM-dd HH:mm:ss} UTC");
                return 1;
            }

            foreach (var (replica, entry) in live)
            {
                Console.WriteLine($"{replica}: {entry.NewPack} ({entry.NewHash[..12]}), live since {entry.At:yyyy-MM-dd HH:mm:ss} UTC ({entry.MadeBy})");
                foreach (var rule in entry.Rules)
                {
                    Console.WriteLine($"  {rule.Id,-24} {rule.Version,-8} {rule.ContentHash}");
                }
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
