using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Store;

/// <summary>Configuration section <c>Store</c>: where feedback and audit records live.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>
    /// SQLite (<c>Data Source=…</c>, the default: a file in the data folder, created on first run) or PostgreSQL
    /// (<c>Host=…;Database=…</c>), chosen by the connection string.
    /// </summary>
    public string ConnectionString { get; set; } = $"Data Source={Path.Combine(DefaultDataFolder, "ketamine-cds.db")}";

    /// <summary>Key for the keyed hashes (HMAC-SHA256) of patient and user identifiers in the audit trail; at least 32 characters outside Development.</summary>
    public string? AuditHashKey { get; set; }

    /// <summary>Apply schema migrations at start-up (otherwise run <c>ketamine-cds store migrate</c>). Default true.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Days feedback and audit records are kept; older ones are purged in the background. Default 400.</summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 400;

    /// <summary>Audit records waiting to be written; beyond this they are dropped, counted and logged. Default 10,000.</summary>
    [Range(10, 1_000_000)]
    public int AuditQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Most audit records the writer stores in one transaction. It takes whatever has queued up to this many, so a
    /// quiet service writes each record at once and a busy one writes fewer, larger batches. Default 2,000.
    /// </summary>
    [Range(1, 100_000)]
    public int AuditBatchSize { get; set; } = 2_000;

    /// <summary>Seconds between the log lines that sum up dropped audit records (one line per interval with drops). Default 60.</summary>
    [Range(1, 3600)]
    public int AuditDropReportSeconds { get; set; } = 60;

    /// <summary>Seconds between attempts to write a backlog when the store is unavailable. Default 5.</summary>
    [Range(1, 3600)]
    public int RetrySeconds { get; set; } = 5;

    /// <summary>
    /// Seconds between the log lines of a store outage: the first failure of each operation is logged at once, then one
    /// line per interval with the count, then one line when it recovers. Default 60.
    /// </summary>
    [Range(1, 3600)]
    public int FailureLogSeconds { get; set; } = 60;

    /// <summary>
    /// Readiness says Degraded (still HTTP 200: the replica still advises) when a write-behind queue (audit, card memory)
    /// holds more than this percentage of its capacity. Default 50.
    /// </summary>
    [Range(1, 100)]
    public int DegradedQueuePercent { get; set; } = 50;

    /// <summary>Card policy memory rows waiting to be written; beyond this they are dropped and counted (a card may then be shown again). Default 50,000.</summary>
    [Range(10, 1_000_000)]
    public int CardMemoryQueueCapacity { get; set; } = 50_000;

    public static string DefaultDataFolder => Path.Combine(AppContext.BaseDirectory, "data");

    public bool IsPostgreSql => ConnectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
        || ConnectionString.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
}
