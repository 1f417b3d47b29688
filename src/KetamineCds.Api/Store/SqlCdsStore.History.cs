using System.Text.Json;
using Dapper;

namespace KetamineCds.Api.Store;

/// <summary>The history of live rule packs (migration 0005): one row per pack that went live on a replica.</summary>
public sealed partial class SqlCdsStore
{
    // The rule versions of a history entry are stored as one JSON column: read whole, never queried by part.
    private static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web);

    public Task RecordPackSwapAsync(PackHistoryEntry entry, CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => connection.ExecuteAsync("""
            INSERT INTO rule_pack_history (id, at_ms, replica, made_by, old_pack, old_hash, new_pack, new_hash, rules, impact)
            VALUES (@Id, @AtMs, @Replica, @MadeBy, @OldPack, @OldHash, @NewPack, @NewHash, @Rules, @Impact)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                entry.Id, AtMs = entry.At.ToUnixTimeMilliseconds(), entry.Replica, entry.MadeBy, entry.OldPack, entry.OldHash, entry.NewPack,
                entry.NewHash, Rules = JsonSerializer.Serialize(entry.Rules, HistoryJson), entry.Impact,
            }), cancellationToken);

    public Task<IReadOnlyList<PackHistoryEntry>> PackHistoryAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection => (IReadOnlyList<PackHistoryEntry>)(await connection.QueryAsync<(string Id, long AtMs, string Replica,
                string MadeBy, string? OldPack, string? OldHash, string NewPack, string NewHash, string Rules, string? Impact)>("""
                SELECT id, at_ms, replica, made_by, old_pack, old_hash, new_pack, new_hash, rules, impact FROM rule_pack_history
                WHERE at_ms <= @UntilMs ORDER BY at_ms DESC, id DESC LIMIT @Limit
                """, new { UntilMs = until.ToUnixTimeMilliseconds(), Limit = limit }))
            .Select(r => new PackHistoryEntry(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs), r.Replica, r.MadeBy, r.OldPack, r.OldHash,
                r.NewPack, r.NewHash, JsonSerializer.Deserialize<List<RuleVersion>>(r.Rules, HistoryJson) ?? [], r.Impact)).ToList(), cancellationToken);
}
