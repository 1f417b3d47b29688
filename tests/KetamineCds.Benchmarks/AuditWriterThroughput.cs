using System.Diagnostics;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KetamineCds.Benchmarks;

/// <summary>
/// The audit writer alone: RECORDS hook calls (three cards each, as the service builds them) are queued first, then the
/// writer is started and timed until it has written them all to the store. <c>… -- audit-writer CONNECTION 200000</c>.
/// Run it on a store that has grown (deploy/loadtest/fill-audit-store.py) as well as a fresh one: the difference is
/// the point.
/// </summary>
public static class AuditWriterThroughput
{
    public static void Run(string connection, int records)
    {
        var options = Options.Create(new StoreOptions { ConnectionString = connection, AuditQueueCapacity = records });
        var store = new SqlCdsStore(options, TimeProvider.System);
        store.Migrate();
        var buffer = new AuditBuffer(options);
        var hasher = new AuditHasher(options);
        for (var i = 0; i < records; i++)
        {
            var scope = new AuditScope(buffer, hasher, TimeProvider.System);
            scope.Request("order-sign", Guid.NewGuid().ToString(), $"patient-{i % 5000}", $"Practitioner/{i % 300}", "ketamine-trd@bench");
            scope.Cards([Card("KET-13-CRIT", "critical"), Card("KET-15-WARN", "warning"), Card("KET-00-SUMMARY", "info")]);
            scope.Complete("https://ehr.example.org", "ketamine-order-sign", 200, TimeSpan.FromMilliseconds(3));
        }

        var writer = new AuditWriter(buffer, store, new StoreHealth(options, TimeProvider.System, NullLogger<StoreHealth>.Instance), options, NullLogger<AuditWriter>.Instance, TimeProvider.System);
        var started = Stopwatch.GetTimestamp();
        writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        // Completing the queue is the signal: the writer's loop ends once it has written everything queued, in the
        // batches it takes under load (stopping it instead would flush the rest as one batch and flatter the figure).
        buffer.Complete();
        writer.ExecuteTask!.GetAwaiter().GetResult();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (buffer.Written != records)
        {
            throw new InvalidOperationException($"the writer stored {buffer.Written} of {records} records");
        }

        writer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine($"audit writer: {records} calls ({records * 3} cards) in {seconds:0.00} s = {records / seconds:0} calls/s");
    }

    private static AuditedCard Card(string rule, string indicator) => new(TimeOrderedId.New(), rule, "1.0.0", indicator);
}
