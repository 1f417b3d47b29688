using System.ComponentModel.DataAnnotations;

namespace KetamineCds.Api.RulePack;

/// <summary>Configuration section <c>Rules</c>.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>The rule pack folder. Default: the pack bundled beside the binary (<c>rules/</c>).</summary>
    [Required]
    public string Path { get; set; } = System.IO.Path.Combine(AppContext.BaseDirectory, "rules");

    /// <summary>
    /// Run the pack's own test cases (<c>tests/*.yaml</c>) before a pack goes live, at start-up and on every reload.
    /// A pack whose tests fail is treated like a pack with errors.
    /// </summary>
    public bool RunTests { get; set; } = true;

    /// <summary>Watch <see cref="Path"/> and swap in a changed pack once it validates. Off: restart to change rules.</summary>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>
    /// Quiet time after the last file event before a reload, so an editor's save or a ConfigMap update (several
    /// files and a symlink swap) is read once, complete.
    /// </summary>
    [Range(50, 60_000)]
    public int ReloadDebounceMilliseconds { get; set; } = 500;
}
