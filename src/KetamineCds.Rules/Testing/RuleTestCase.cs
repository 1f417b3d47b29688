namespace KetamineCds.Rules.Testing;

/// <summary>The outcome of one rule test case file: what failed, in words an admin can act on.</summary>
/// <param name="Cards">The cards the case got, most urgent first: rule id and indicator, "(check incomplete)" where it says so.</param>
/// <param name="Expects">The rules the case expects a card from (its <c>expect</c> list).</param>
/// <param name="ExpectsNone">The rules the case expects no card from (its <c>expectNone</c> list).</param>
public sealed record RuleTestResult(string File, string Name, IReadOnlyList<string> Failures, IReadOnlyList<string>? Cards = null,
    IReadOnlyList<string>? Expects = null, IReadOnlyList<string>? ExpectsNone = null)
{
    public bool Passed => Failures.Count == 0;
}
