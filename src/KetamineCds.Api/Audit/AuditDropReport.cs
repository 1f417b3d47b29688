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
    private long _reported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AuditDropReportSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
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
}
