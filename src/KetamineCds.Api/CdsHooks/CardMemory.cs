using KetamineCds.Api.Audit;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// The card policy's memory across hooks and replicas, in the store: what each call showed, by keyed hashes of the
/// patient, user and draft order with the finding, and which findings were overridden with a reason (the feedback
/// endpoint marks them). Read once per call, by the keys of the findings the call made (indexed, one row per key, so a
/// patient with years of calls costs no more than a new one); written by <see cref="CardMemoryWriter"/> off the request
/// path, in batches, within milliseconds (a clinician moves from order-select to order-sign in seconds). A store that cannot answer costs
/// only the memory: the call's cards are shown as if new, never hidden on a guess.
/// </summary>
public sealed class CardMemory(ICdsStore store, AuditHasher hasher, CardMemoryWriter writer, StoreHealth health)
{
    /// <summary>What was shown before of the findings this call made, and at order-sign whether an order-select ran for the draft.</summary>
    public async Task<CallMemory> LoadAsync(CdsRequest request, string draftId, IReadOnlyList<Finding> findings, CompiledPack pack, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var policy = pack.CardPolicy;
        var memory = new CallMemory(hasher, request.PatientId, request.UserId, draftId, pack);
        var keys = findings.Select(f => CardPolicy.MemoryKey(f, pack)).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0 && request.Hook != Rules.Model.Hooks.OrderSign)
        {
            return memory;
        }

        keys.Add(CardPolicy.OrderSelectMarker);

        try
        {
            memory.Rows = await store.CardMemoryAsync(new CardMemoryQuery([.. keys.Select(memory.PatientKey)], [.. keys.Select(memory.UserKey)],
                [.. keys.Select(memory.DraftKey)], policy.LongestMemory.Since(now)), cancellationToken);
            health.Succeeded(StoreHealth.CardMemoryRead);
        }
        catch (StoreUnavailableException)
        {
            health.Failed(StoreHealth.CardMemoryRead);
        }

        return memory;
    }

    /// <summary>
    /// Remembers the cards a call showed, and that an order-select ran for this draft (whether or not it showed a card):
    /// queued for the writer, off the request path.
    /// </summary>
    public void Remember(CallMemory memory, string hook, IEnumerable<(string CardUuid, Finding Finding)> shown, DateTimeOffset now)
    {
        foreach (var (uuid, finding) in shown)
        {
            writer.Enqueue(memory.RowFor(uuid, memory.KeyOf(finding), now));
        }

        if (hook == Rules.Model.Hooks.OrderSelect)
        {
            writer.Enqueue(memory.RowFor(TimeOrderedId.New(), CardPolicy.OrderSelectMarker, now));
        }
    }
}

/// <summary>One call's view of the memory: the rows its findings' keys found, asked about by keyed hash.</summary>
public sealed class CallMemory(AuditHasher hasher, string patientId, string userId, string draftId, CompiledPack pack) : ICardMemory
{
    /// <summary>The key the memory knows a finding by (<see cref="CardPolicy.MemoryKey"/>).</summary>
    public string KeyOf(Finding finding) => CardPolicy.MemoryKey(finding, pack);

    /// <summary>Whether an order-select call for this patient's draft was seen since <paramref name="since"/>, by any user.</summary>
    public bool OrderSelectSeenSince(DateTimeOffset since)
    {
        var key = DraftKey(CardPolicy.OrderSelectMarker);
        return Rows.Any(r => r.ShownAt >= since && r.DraftKey == key);
    }

    // Unit separator: no id holds it, so "a|b" + "c" and "a" + "b|c" never hash alike.
    private const char Separator = '\u001f';

    public IReadOnlyList<CardMemoryRow> Rows { get; set; } = [];

    public string UserKey(string finding) => hasher.Hash($"{patientId}{Separator}{userId}{Separator}{draftId}{Separator}{finding}")!;

    public string DraftKey(string finding) => hasher.Hash($"{patientId}{Separator}{Separator}{draftId}{Separator}{finding}")!;

    public string PatientKey(string finding) => hasher.Hash($"{patientId}{Separator}{Separator}{Separator}{finding}")!;

    public bool ShownSince(CardScope scope, string finding, DateTimeOffset since)
    {
        if (Rows.Count == 0)
        {
            return false;
        }

        var key = scope == CardScope.UserAndDraft ? UserKey(finding) : PatientKey(finding);
        return Rows.Any(r => r.ShownAt >= since && (scope == CardScope.UserAndDraft ? r.UserKey : r.PatientKey) == key);
    }

    public bool OverriddenForDraft(string finding)
    {
        if (Rows.Count == 0)
        {
            return false;
        }

        var key = DraftKey(finding);
        return Rows.Any(r => r.OverriddenAt is not null && r.DraftKey == key);
    }

    public CardMemoryRow RowFor(string cardUuid, string finding, DateTimeOffset shownAt) =>
        new(cardUuid, UserKey(finding), DraftKey(finding), PatientKey(finding), shownAt);
}
