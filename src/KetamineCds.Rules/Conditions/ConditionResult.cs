namespace KetamineCds.Rules.Conditions;

/// <summary>
/// The outcome of one condition node: its truth, the data it looked at, and why, in words. The words are built only
/// when someone reads them (the preview, a test, an error): a live call evaluates every rule but shows few.
/// </summary>
public sealed record ConditionResult
{
    private readonly Func<string>? _explain;
    private string? _explanation;

    public ConditionResult(Truth truth, IReadOnlyList<EvidenceItem> evidence, string explanation)
    {
        Truth = truth;
        Evidence = evidence;
        _explanation = explanation;
    }

    public ConditionResult(Truth truth, IReadOnlyList<EvidenceItem> evidence, Func<string> explain)
    {
        Truth = truth;
        Evidence = evidence;
        _explain = explain;
    }

    public Truth Truth { get; init; }

    public IReadOnlyList<EvidenceItem> Evidence { get; init; }

    public string Explanation => _explanation ??= _explain!();

    public static ConditionResult Of(bool value, IReadOnlyList<EvidenceItem> evidence, string explanation) =>
        new(value ? Truth.True : Truth.False, evidence, explanation);

    /// <summary>A true or false result whose explanation is written only if someone reads it.</summary>
    public static ConditionResult Of(bool value, IReadOnlyList<EvidenceItem> evidence, Func<string> explain) =>
        new(value ? Truth.True : Truth.False, evidence, explain);

    public static ConditionResult Unknown(string explanation, IReadOnlyList<EvidenceItem>? evidence = null) =>
        new(Truth.Unknown, evidence ?? [], explanation);
}
