namespace KetamineCds.Api.Admin;

/// <summary>Configuration section <c>Admin</c>: the credential of the admin endpoints, separate from the EHR's JWT.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// Bearer key for <c>/admin/*</c>. Without one the admin endpoints are open in Development and closed (403)
    /// elsewhere.
    /// </summary>
    public string? ApiKey { get; set; }
}
