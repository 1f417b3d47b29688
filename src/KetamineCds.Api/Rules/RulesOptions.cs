using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.Rules;

/// <summary>Configuration section <c>Rules</c>.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>The rule pack folder. Default: the pack bundled beside the binary (<c>rules/</c>).</summary>
    [Required]
    public string Path { get; set; } = System.IO.Path.Combine(AppContext.BaseDirectory, "rules");
}
