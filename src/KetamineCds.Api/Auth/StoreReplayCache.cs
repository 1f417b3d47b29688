using KetamineCds.Api.Store;

namespace KetamineCds.Api.Auth;

/// <summary>
/// Replay protection shared by every replica: JWT ids are recorded in the feedback/audit store (SQLite for one
/// replica, PostgreSQL for several). Every id is also kept in memory, so while the store is unreachable a replay to
/// the same replica is still refused; the outage is logged once per interval (authentication keeps working, as hooks must answer).
/// </summary>
public sealed class StoreReplayCache(ICdsStore store, InMemoryReplayCache local, StoreHealth health) : IReplayCache
{
    public async Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var firstHere = await local.TryAddAsync(issuer, jti, expiresAt, cancellationToken);
        try
        {
            var firstAnywhere = await store.TryRecordJtiAsync($"{issuer}\n{jti}", expiresAt, cancellationToken);
            health.Succeeded(StoreHealth.ReplayCheck);
            return firstHere && firstAnywhere;
        }
        catch (StoreUnavailableException)
        {
            health.Failed(StoreHealth.ReplayCheck);
            return firstHere;
        }
    }
}
