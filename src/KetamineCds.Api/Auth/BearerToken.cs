namespace KetamineCds.Api.Auth;

/// <summary>The token of an <c>Authorization: Bearer …</c> header (RFC 6750 §2.1); null for any other scheme or none.</summary>
public static class BearerToken
{
    public static string? From(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
