namespace KetamineCds.Api.Store;

/// <summary>One hook invocation for the audit trail. Identifiers arrive here already as keyed hashes.</summary>
public sealed record AuditRecord(
    string Id, DateTimeOffset At, string ServiceId, string Hook, string HookInstance, string? Issuer, string Pack,
    string? PatientHash, string? UserHash, int Status, double ElapsedMs, IReadOnlyList<AuditedCard> Cards);

/// <param name="Suppressed">Kept back by the card policy: audited for the statistics, never sent.</param>
public sealed record AuditedCard(string CardUuid, string? RuleId, string? RuleVersion, string Indicator, bool Suppressed = false);

/// <summary>The keys of one call's findings in each scope (keyed hashes), and how far back to look.</summary>
public sealed record CardMemoryQuery(IReadOnlyList<string> PatientKeys, IReadOnlyList<string> UserKeys, IReadOnlyList<string> DraftKeys, DateTimeOffset Since);

/// <summary>One card shown, as the card policy's memory holds it: keyed hashes only (see migration 0004).</summary>
public sealed record CardMemoryRow(string CardUuid, string UserKey, string DraftKey, string PatientKey, DateTimeOffset ShownAt,
    DateTimeOffset? OverriddenAt = null);

/// <summary>One CDS Hooks feedback item as stored.</summary>
public sealed record FeedbackRecord(
    string Id, DateTimeOffset ReceivedAt, string ServiceId, string CardUuid, string Outcome, DateTimeOffset OutcomeAt,
    string? AcceptedSuggestions, string? ReasonSystem, string? ReasonCode, string? ReasonDisplay, string? UserComment)
{
    /// <summary>Every override reason the item carried, as a JSON array (the reason fields hold the first); null when none or one.</summary>
    public string? AllReasons { get; init; }
}

/// <summary>
/// Per rule: cards shown (issued), kept back by the card policy (suppressed), accepted, overridden, ignored (shown, no
/// feedback), the override rate and top override reasons, the same per hook, and why the rule is flagged for review.
/// </summary>
public sealed record RuleStatistics(string RuleId, int Issued, int Accepted, int Overridden, double? OverrideRate, IReadOnlyList<ReasonCount> TopOverrideReasons)
{
    public int Suppressed { get; init; }
    public int Ignored => Math.Max(0, Issued - Accepted - Overridden);
    public IReadOnlyList<HookStatistics> ByHook { get; init; } = [];
    /// <summary>Why the governance group should review the rule (set by the admin API from the pack's review thresholds); null when not flagged.</summary>
    public string? Flag { get; init; }
}

/// <summary>One rule at one hook: cards shown, kept back, accepted, overridden, ignored.</summary>
public sealed record HookStatistics(string Hook, int Shown, int Suppressed, int Accepted, int Overridden)
{
    public int Ignored => Math.Max(0, Shown - Accepted - Overridden);
}

public sealed record ReasonCount(string Code, string? Display, int Count);

/// <summary>The store could not be reached or refused the write.</summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// One pack going live on one replica (migration 0005): when, what made it live, the pack it replaced, each rule's
/// version and content hash, and the impact summary over the pack's test cases. No patient data.
/// </summary>
public sealed record PackHistoryEntry(
    string Id, DateTimeOffset At, string Replica, string MadeBy, string? OldPack, string? OldHash, string NewPack, string NewHash,
    IReadOnlyList<RuleVersion> Rules, string? Impact);

/// <summary>A rule as it was live: its id, version and content hash (the hash changes whenever what the rule does changes).</summary>
public sealed record RuleVersion(string Id, string Version, string ContentHash);
