using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KetamineCds.Api.Auth;

/// <summary>
/// Signing keys per JWKS URL, fetched on first use and fetched again when a token names an unknown <c>kid</c>
/// (key rotation without restart), at most once per <see cref="AuthOptions.JwksRefreshSeconds"/> per URL.
/// </summary>
public sealed class JwksCache(IHttpClientFactory httpClients, IOptions<AuthOptions> options, TimeProvider time) : IDisposable
{
    private sealed record Entry(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetch = new(1, 1);

    public async Task<IReadOnlyList<SecurityKey>> KeysAsync(string jwksUrl, string kid, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(jwksUrl, out var entry) && (entry.Keys.Any(k => k.KeyId == kid) || !MayRefresh(entry)))
        {
            return entry.Keys;
        }

        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_entries.TryGetValue(jwksUrl, out entry) && (entry.Keys.Any(k => k.KeyId == kid) || !MayRefresh(entry)))
            {
                return entry.Keys;
            }

            var json = await httpClients.CreateClient(nameof(JwksCache)).GetStringAsync(new Uri(jwksUrl), cancellationToken);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            _entries[jwksUrl] = new Entry([.. keys], time.GetUtcNow());
            return [.. keys];
        }
        finally
        {
            _fetch.Release();
        }
    }

    public void Dispose() => _fetch.Dispose();

    private bool MayRefresh(Entry entry) => time.GetUtcNow() - entry.FetchedAt >= TimeSpan.FromSeconds(options.Value.JwksRefreshSeconds);
}
