using KetamineCds.Api.Auth;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Audit;

/// <summary>What one hook call contributes to the audit trail; filled by the handler, queued by the endpoint.</summary>
public sealed class AuditScope(AuditBuffer queue, AuditHasher hasher, TimeProvider time)
{
    private CdsRequest? _request;
    private string _pack = "";
    private IReadOnlyList<AuditedCard> _cards = [];

    public void Request(CdsRequest request, string pack)
    {
        _request = request;
        _pack = pack;
    }

    public void Cards(IReadOnlyList<AuditedCard> cards) => _cards = cards;

    /// <summary>Queues the record; a request that never validated (400 before the body was read) still records its status.</summary>
    public void Complete(HttpContext http, string serviceId, int status, TimeSpan elapsed) =>
        queue.Enqueue(new AuditRecord(
            Guid.NewGuid().ToString(), time.GetUtcNow(), serviceId, _request?.Hook ?? "(invalid)", _request?.HookInstance ?? "(invalid)",
            http.Items[CdsAuthenticationMiddleware.IssuerItem] as string, _pack, hasher.Hash(_request?.PatientId), hasher.Hash(_request?.UserId),
            status, Math.Round(elapsed.TotalMilliseconds, 1), _cards));
}
