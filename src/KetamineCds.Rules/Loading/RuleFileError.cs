namespace KetamineCds.Rules.Loading;

/// <summary>One problem in a rule pack, located so an admin can go straight to it.</summary>
/// <param name="File">Path relative to the pack folder.</param>
/// <param name="Line">1-based line, or 0 when the problem is not tied to a line (a missing file).</param>
/// <param name="RuleId">The rule the problem belongs to, when there is one.</param>
public sealed record RuleFileError(string File, int Line, string? RuleId, string Message)
{
    /// <summary>The column the error starts at (1-based), when known.</summary>
    public int Column { get; init; }

    public override string ToString() =>
        $"{File}:{(Line > 0 ? Line : 1)}{(Column > 0 ? $":{Column}" : "")}{(RuleId is null ? "" : $" [{RuleId}]")}: {Message}";
}
