using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Hosting;

/// <summary>Configuration section <c>Http</c>: limits and browser access.</summary>
public sealed class HttpHardeningOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body. Large prefetch is normal (a long record is several MB); unbounded is not. Default 20 MB.</summary>
    [Range(1, 500)]
    public int MaxRequestBodyMegabytes { get; set; } = 20;

    public long MaxRequestBodyBytes => MaxRequestBodyMegabytes * 1024L * 1024L;

    /// <summary>Origins of browser-based EHRs and sandboxes allowed by CORS. Default none.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Sustained hook calls per second per calling issuer before 429. Default 100.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecondPerIssuer { get; set; } = 100;

    /// <summary>Burst allowance per issuer above the sustained rate. Default 200.</summary>
    [Range(1, 100_000)]
    public int BurstPerIssuer { get; set; } = 200;
}
