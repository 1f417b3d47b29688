namespace KetamineCds.Api.Store;

/// <summary>One hook invocation for the audit trail. Identifiers arrive here already as keyed hashes.</summary>
public sealed record AuditRecord(
    string Id, DateTimeOffset At, string ServiceId, string Hook, string HookInstance, string? Issuer, string Pack,
    string? PatientHash, string? UserHash, int Status, double ElapsedMs, IReadOnlyList<AuditedCard> Cards);

public sealed record AuditedCard(string CardUuid, string? RuleId, string? RuleVersion, string Indicator);

/// <summary>One CDS Hooks feedback item as stored.</summary>
public sealed record FeedbackRecord(
    string Id, DateTimeOffset ReceivedAt, string ServiceId, string CardUuid, string Outcome, DateTimeOffset OutcomeAt,
    string? AcceptedSuggestions, string? ReasonSystem, string? ReasonCode, string? ReasonDisplay, string? UserComment)
{
    /// <summary>Every override reason the item carried, as a JSON array (the reason fields hold the first); null when none or one.</summary>
    public string? AllReasons { get; init; }
}

/// <summary>Per rule: cards issued, accepted, overridden, override rate and top override reasons.</summary>
public sealed record RuleStatistics(string RuleId, int Issued, int Accepted, int Overridden, double? OverrideRate, IReadOnlyList<ReasonCount> TopOverrideReasons);

public sealed record ReasonCount(string Code, string? Display, int Count);

/// <summary>The store could not be reached or refused the write.</summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
