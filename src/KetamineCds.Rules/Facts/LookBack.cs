using System.Text.RegularExpressions;

namespace KetamineCds.Rules.Facts;

/// <summary>A look-back window written as <c>30d</c>, <c>12w</c>, <c>6mo</c>, <c>2y</c> or <c>24h</c>.</summary>
public sealed partial record LookBack(int Amount, string Unit, string Text)
{
    private readonly string _description = Unit switch
    {
        "h" => $"{Amount} hours",
        "d" => $"{Amount} days",
        "w" => $"{Amount} weeks",
        "mo" => $"{Amount} months",
        _ => $"{Amount} years",
    };

    public static LookBack? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = Pattern().Match(text.Trim());
        return match.Success ? new LookBack(int.Parse(match.Groups[1].Value), match.Groups[2].Value, text.Trim()) : null;
    }

    /// <summary>The earliest instant inside the window that ends at <paramref name="now"/>.</summary>
    public DateTimeOffset Since(DateTimeOffset now) => Unit switch
    {
        "h" => now.AddHours(-Amount),
        "d" => now.AddDays(-Amount),
        "w" => now.AddDays(-7 * Amount),
        "mo" => now.AddMonths(-Amount),
        _ => now.AddYears(-Amount),
    };

    public string Describe() => _description;

    [GeneratedRegex("^([0-9]{1,4})(h|d|w|mo|y)$")]
    private static partial Regex Pattern();
}
