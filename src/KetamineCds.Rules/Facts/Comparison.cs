using System.Globalization;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Facts;

/// <summary>A compiled comparison from the closed operator set: gt, ge, lt, le, eq, ne.</summary>
internal sealed record Comparison(string Operator, decimal Threshold, string? Unit)
{
    public static Comparison? From(ComparisonSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        var (op, value) = spec switch
        {
            { Gt: { } v } => ("gt", v),
            { Ge: { } v } => ("ge", v),
            { Lt: { } v } => ("lt", v),
            { Le: { } v } => ("le", v),
            { Eq: { } v } => ("eq", v),
            { Ne: { } v } => ("ne", v),
            _ => ("", 0m),
        };
        return op.Length == 0 ? null : new Comparison(op, value, spec.Unit);
    }

    public static int OperatorCount(ComparisonSpec spec) =>
        new[] { spec.Gt, spec.Ge, spec.Lt, spec.Le, spec.Eq, spec.Ne }.Count(v => v is not null);

    public bool Holds(decimal value) => Operator switch
    {
        "gt" => value > Threshold,
        "ge" => value >= Threshold,
        "lt" => value < Threshold,
        "le" => value <= Threshold,
        "eq" => value == Threshold,
        "ne" => value != Threshold,
        _ => false,
    };

    public string Describe() =>
        $"{Symbol} {Threshold.ToString(CultureInfo.InvariantCulture)}{(Unit is null ? "" : " " + Unit)}";

    private string Symbol => Operator switch
    {
        "gt" => ">",
        "ge" => "≥",
        "lt" => "<",
        "le" => "≤",
        "eq" => "=",
        _ => "≠",
    };
}
