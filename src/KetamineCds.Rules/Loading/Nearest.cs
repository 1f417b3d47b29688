namespace KetamineCds.Rules.Loading;

/// <summary>The closest valid name to a mistyped one, for "did you mean …?" (Levenshtein distance, small enough to be a typo).</summary>
internal static class Nearest
{
    public static string? To(string wrong, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (Name: v, Distance: Distance(wrong.ToLowerInvariant(), v.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance > 0 && best.Distance <= Math.Max(2, wrong.Length / 3) ? best.Name : null;
    }

    /// <summary>"; did you mean 'x'?" when one is close, else empty.</summary>
    public static string Suggest(string wrong, IEnumerable<string> valid) => To(wrong, valid) is { } name ? $"; did you mean '{name}'?" : "";

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
