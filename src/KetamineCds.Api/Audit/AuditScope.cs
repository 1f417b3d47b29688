using KetamineCds.Api.Core;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Audit;

/// <summary>What one hook call contributes to the audit trail; filled by the handler, queued by the endpoint.</summary>
public sealed class AuditScope(AuditBuffer queue, AuditHasher hasher, TimeProvider time)
{
    private (string Hook, string HookInstance, string? PatientId, string? UserId)? _request;
    private string _pack = "";
    private IReadOnlyList<AuditedCard> _cards = [];

    /// <summary>The validated request: its hook, hookInstance and the ids that are stored only as keyed hashes.</summary>
    public void Request(string hook, string hookInstance, string? patientId, string? userId, string pack)
    {
        _request = (hook, hookInstance, patientId, userId);
        _pack = pack;
    }

    public void Cards(IReadOnlyList<AuditedCard> cards) => _cards = cards;

    /// <summary>Queues the record; a request that never validated (400 before the body was read) still records its status.</summary>
    /// <param name="issuer">The calling EHR's issuer, when it was authenticated.</param>
    public void Complete(string? issuer, string serviceId, int status, TimeSpan elapsed) =>
        queue.Enqueue(new AuditRecord(
            TimeOrderedId.New(), time.GetUtcNow(), serviceId, _request?.Hook ?? "(invalid)", _request?.HookInstance ?? "(invalid)",
            issuer, _pack, hasher.Hash(_request?.PatientId), hasher.Hash(_request?.UserId),
            status, Math.Round(elapsed.TotalMilliseconds, 1), _cards));
}
