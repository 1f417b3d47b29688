namespace KetamineCds.Rules.Facts;

/// <summary>
/// The UCUM units the rule pack compares, with their dimension and factor to a base unit. Enough for vital signs,
/// weights and doses; an unknown unit is a pack validation error (in rule files) or "cannot compare" (in data).
/// </summary>
internal static class Ucum
{
    private sealed record UnitDef(string Dimension, decimal Factor);

    private static readonly Dictionary<string, UnitDef> Units = new(StringComparer.Ordinal)
    {
        ["mm[Hg]"] = new("pressure", 1m),
        ["mmHg"] = new("pressure", 1m),
        ["kg"] = new("mass", 1000m),
        ["g"] = new("mass", 1m),
        ["mg"] = new("mass", 0.001m),
        ["ug"] = new("mass", 0.000001m),
        ["[lb_av]"] = new("mass", 453.59237m),
        ["lb"] = new("mass", 453.59237m),
        ["lbs"] = new("mass", 453.59237m),
        ["[oz_av]"] = new("mass", 28.349523125m),
        ["mg/kg"] = new("mass/mass", 1m),
        ["min"] = new("time", 60m),
        ["h"] = new("time", 3600m),
        ["s"] = new("time", 1m),
        ["/min"] = new("rate", 1m),
        ["{beats}/min"] = new("rate", 1m),
        ["kg/m2"] = new("bmi", 1m),
        ["{score}"] = new("score", 1m),
        ["1"] = new("score", 1m),
        ["%"] = new("percent", 1m),
        ["U/L"] = new("enzyme", 1m),
        // hCG: 1 mIU/mL is 1 IU/L. Labs send either, with or without UCUM's brackets.
        ["m[IU]/mL"] = new("iu/volume", 1m),
        ["[IU]/L"] = new("iu/volume", 1m),
        ["mIU/mL"] = new("iu/volume", 1m),
        ["IU/L"] = new("iu/volume", 1m),
        ["[IU]/mL"] = new("iu/volume", 1000m),
        ["IU/mL"] = new("iu/volume", 1000m),
        ["m[IU]/L"] = new("iu/volume", 0.001m),
        ["mmol/L"] = new("molar", 1m),
    };

    public static bool IsKnown(string unit) => Units.ContainsKey(unit) || IsAnnotation(unit);

    // A unit that is only a UCUM annotation ({score}, {Score}, {points}, {beats}) means "a count": unity.
    private static bool IsAnnotation(string unit) => unit.Length > 2 && unit[0] == '{' && unit[^1] == '}' && unit.IndexOf('}') == unit.Length - 1;

    private static UnitDef? Find(string unit) =>
        Units.TryGetValue(unit, out var found) ? found : IsAnnotation(unit) ? Units["1"] : null;

    /// <summary>Converts between units of one dimension. An empty unit is treated as a score (PHQ-9 totals often carry none).</summary>
    public static bool TryConvert(decimal value, string? from, string to, out decimal converted)
    {
        converted = 0;
        var source = string.IsNullOrWhiteSpace(from) ? "1" : from.Trim();
        if (Find(source) is not { } fromDef || Find(to) is not { } toDef || fromDef.Dimension != toDef.Dimension)
        {
            return false;
        }

        converted = value * fromDef.Factor / toDef.Factor;
        return true;
    }
}
