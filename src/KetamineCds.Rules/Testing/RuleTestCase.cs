namespace KetamineCds.Rules.Testing;

/// <summary>The outcome of one rule test case file: what failed, in words an admin can act on.</summary>
public sealed record RuleTestResult(string File, string Name, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}
