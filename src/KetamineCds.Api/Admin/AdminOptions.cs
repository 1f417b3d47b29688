using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Admin;

/// <summary>Configuration section <c>Admin</c>: the credential of the admin endpoints, separate from the EHR's JWT.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// Bearer key for <c>/admin/*</c>. Without one the admin endpoints are open in Development and closed (403)
    /// elsewhere. Outside Development a key must be at least 32 characters with about 128 bits of entropy
    /// (<see cref="AdminKeyStrength"/>): <c>openssl rand -base64 32</c> makes one.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Wrong keys one client address may present within <see cref="FailureWindowSeconds"/> before it is locked out. Default 5.</summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>The window in which wrong keys are counted. Default 60 s.</summary>
    [Range(1, 86_400)]
    public int FailureWindowSeconds { get; set; } = 60;

    /// <summary>How long a locked-out address gets 429 (with Retry-After) for every admin request. Default 300 s.</summary>
    [Range(1, 86_400)]
    public int LockoutSeconds { get; set; } = 300;
}
