using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Store;

/// <summary>
/// Applies migrations at start-up (retrying while the store is down, so hooks keep answering meanwhile) and purges
/// records older than the retention period every six hours.
/// </summary>
public sealed class StoreMaintenance(ICdsStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<StoreMaintenance> logger) : BackgroundService
{
    private bool _migrated;

    /// <summary>Migrates before the service starts taking calls when the store is reachable; otherwise keeps trying in the background.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _migrated = !options.Value.MigrateOnStartup || TryMigrate();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_migrated)
        {
            while (!stoppingToken.IsCancellationRequested && !TryMigrate())
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.RetrySeconds), time, stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(TimeSpan.FromHours(6), time);
        do
        {
            try
            {
                var removed = await store.PurgeAsync(time.GetUtcNow().AddDays(-options.Value.RetentionDays), stoppingToken);
                logger.RetentionPurged(removed, options.Value.RetentionDays);
            }
            catch (StoreUnavailableException)
            {
                logger.StoreMaintenanceFailed("retention purge", options.Value.RetrySeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private bool TryMigrate()
    {
        try
        {
            store.Migrate();
            return true;
        }
        catch (StoreUnavailableException)
        {
            logger.StoreMaintenanceFailed("schema migration", options.Value.RetrySeconds);
            return false;
        }
    }
}
