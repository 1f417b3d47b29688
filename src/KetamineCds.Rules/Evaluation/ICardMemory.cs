namespace KetamineCds.Rules.Evaluation;

/// <summary>Whom a remembered card was shown to: the narrower the scope, the more often a card may come back.</summary>
public enum CardScope
{
    /// <summary>This patient, this user, this draft order.</summary>
    UserAndDraft,

    /// <summary>This patient, any user, any order.</summary>
    Patient,
}

/// <summary>
/// What the clinicians already saw, for the card policy: which findings (rule@version and evidence) were shown in which
/// scope and when, and which were overridden with a reason for this draft. The host keeps it in the store, keyed by
/// pseudonymous hashes, so replicas agree; the engine only asks.
/// </summary>
public interface ICardMemory
{
    bool ShownSince(CardScope scope, string finding, DateTimeOffset since);

    /// <summary>Whether this finding was overridden with a reason for this patient's draft order.</summary>
    bool OverriddenForDraft(string finding);
}

/// <summary>No memory: every card is new (the preview, the pack's test cases, a store that cannot be read).</summary>
public sealed class NoCardMemory : ICardMemory
{
    public static readonly NoCardMemory Instance = new();

    public bool ShownSince(CardScope scope, string finding, DateTimeOffset since) => false;

    public bool OverriddenForDraft(string finding) => false;
}
