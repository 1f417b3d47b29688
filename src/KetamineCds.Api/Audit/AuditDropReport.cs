using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// One error line per interval (<see cref="StoreOptions.AuditDropReportSeconds"/>) that dropped audit records: how
/// many in the interval and since start-up. Nothing is logged while nothing is dropped. The counter
/// kcds_audit_dropped_total carries the same figure for alerting.
/// </summary>
public sealed class AuditDropReport(AuditBuffer buffer, IOptions<StoreOptions> options, ILogger<AuditDropReport> logger, TimeProvider time)
    : BackgroundService
{
    // Made with the service, not when ExecuteAsync first runs (a thread-pool task since .NET 10): the intervals count
    // from start-up, and a tick that passes before the loop waits is still seen (PeriodicTimer keeps it).
    private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(options.Value.AuditDropReportSeconds), time);
    private long _reported;
    private int _intervals;

    /// <summary>Intervals reported on so far (with or without drops): lets a test see that an interval has passed.</summary>
    internal int Intervals => Volatile.Read(ref _intervals);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
                Interlocked.Increment(ref _intervals);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Report();
        }
    }

    private void Report()
    {
        var total = buffer.Dropped;
        if (total > _reported)
        {
            logger.AuditRecordsDropped(total - _reported, options.Value.AuditDropReportSeconds, total);
            _reported = total;
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }
}
