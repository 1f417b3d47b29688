using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Hosting;

/// <summary>Configuration section <c>Logging</c>, the part that is the service's own (levels stay with Serilog's settings).</summary>
public sealed class LoggingOptions
{
    public const string Section = "Logging";

    /// <summary><c>console</c> (readable lines, the default) or <c>json</c> (compact JSON, Serilog CLEF, for log collectors).</summary>
    [RegularExpression("(?i)^(console|json)$", ErrorMessage = "Logging:Format must be 'console' or 'json'.")]
    public string Format { get; set; } = "console";

    public bool IsJson => string.Equals(Format, "json", StringComparison.OrdinalIgnoreCase);
}
