using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Hosting;

/// <summary>Configuration section <c>Shutdown</c>: how long SIGTERM may take.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// On SIGTERM Kestrel stops accepting, in-flight requests finish, then the audit writer flushes; all of it inside
    /// this budget, which must stay under the orchestrator's grace period (Kubernetes: 30 s by default). Default 25 s.
    /// </summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 25;
}
