namespace KetamineCds.Rules.Evaluation;

/// <summary>The outcome of one condition node: its truth, the data it looked at, and why, in words.</summary>
public sealed record ConditionResult(Truth Truth, IReadOnlyList<Evidence> Evidence, string Explanation)
{
    public static ConditionResult Of(bool value, IReadOnlyList<Evidence> evidence, string explanation) =>
        new(value ? Truth.True : Truth.False, evidence, explanation);

    public static ConditionResult Unknown(string explanation, IReadOnlyList<Evidence>? evidence = null) =>
        new(Truth.Unknown, evidence ?? [], explanation);
}
