namespace KetamineCds.Api.Store;

/// <summary>Feedback, audit and rule statistics. One interface; SQLite or PostgreSQL behind it.</summary>
public interface ICdsStore
{
    /// <summary>Applies the schema migrations (idempotent).</summary>
    void Migrate();

    /// <summary>Stores feedback items in one transaction; returns the card uuids that no audited card matches.</summary>
    /// <exception cref="StoreUnavailableException">Nothing was stored.</exception>
    Task<IReadOnlyList<string>> SaveFeedbackAsync(IReadOnlyList<FeedbackRecord> items, CancellationToken cancellationToken);

    /// <exception cref="StoreUnavailableException">Nothing was stored; the caller keeps the batch.</exception>
    Task SaveAuditAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken);

    /// <summary>Which of these audit record ids are stored (the start-up count of answered-but-unrecorded calls).</summary>
    /// <exception cref="StoreUnavailableException">The store could not say.</exception>
    Task<IReadOnlyCollection<string>> StoredAuditIdsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    Task<IReadOnlyList<RuleStatistics>> RuleStatisticsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The card policy's memory of one call's findings: the rows any of their keys name, since a time.</summary>
    /// <exception cref="StoreUnavailableException">The store could not say.</exception>
    Task<IReadOnlyList<CardMemoryRow>> CardMemoryAsync(CardMemoryQuery query, CancellationToken cancellationToken);

    /// <summary>Remembers the cards shown by one call.</summary>
    /// <exception cref="StoreUnavailableException">Nothing was remembered.</exception>
    Task RememberCardsAsync(IReadOnlyList<CardMemoryRow> rows, CancellationToken cancellationToken);

    /// <summary>Records a JWT id; false when it was already recorded (a replay). Expired ids are purged with the rest.</summary>
    /// <exception cref="StoreUnavailableException">The store could not say.</exception>
    Task<bool> TryRecordJtiAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Records a pack going live on this replica (the history of live packs; never purged).</summary>
    /// <exception cref="StoreUnavailableException">Nothing was recorded.</exception>
    Task RecordPackSwapAsync(PackHistoryEntry entry, CancellationToken cancellationToken);

    /// <summary>The packs that went live at or before <paramref name="until"/> on any replica, newest first.</summary>
    /// <exception cref="StoreUnavailableException">The store could not say.</exception>
    Task<IReadOnlyList<PackHistoryEntry>> PackHistoryAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes feedback and audit records older than <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
