using System.Security.Cryptography;
using System.Text;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// Keyed hashes (HMAC-SHA256) of patient and user identifiers: the same patient always maps to the same value, so
/// statistics per patient work, but the audit trail holds no identity and cannot be reversed without the key.
/// </summary>
public sealed class AuditHasher(IOptions<StoreOptions> options)
{
    // Development only: a fixed key so the quick start needs no secret. Validation refuses it elsewhere.
    public const string DevelopmentKey = "development-only-audit-hash-key-not-for-production";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.AuditHashKey ?? DevelopmentKey);

    public string? Hash(string? identifier) =>
        identifier is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(identifier)));
}
