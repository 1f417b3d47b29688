using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Testing;

namespace KetamineCds.Api.RulePack;

/// <summary>What the gate found: the pack when it passed, every error when it did not, and each test case's result.</summary>
public sealed record RulePackGateResult(CompiledPack? Pack, IReadOnlyList<RuleFileError> Errors, IReadOnlyList<RuleTestResult> Tests)
{
    public int TestsPassed => Tests.Count(t => t.Passed);
}

/// <summary>
/// The one check a pack passes before it serves a clinician, at start-up, on reload and in <c>rules test</c>: the
/// engine's validation (schema, facts, value sets, FHIRPath, summaries) and then the pack's own test cases. A pack
/// without a <c>tests/</c> folder passes the gate (a site may start from an empty pack); <c>rules test</c> says so.
/// </summary>
public static class RulePackGate
{
    public static RulePackGateResult Run(string folder, bool runTests)
    {
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            return new RulePackGateResult(null, loaded.Errors, []);
        }

        var testsFolder = Path.Combine(folder, "tests");
        if (!runTests || !Directory.Exists(testsFolder))
        {
            return new RulePackGateResult(loaded.Pack, [], []);
        }

        var results = RuleTestRunner.Run(loaded.Pack!, testsFolder);
        var failures = results
            .Where(r => !r.Passed)
            .SelectMany(r => r.Failures.Select(f => new RuleFileError(Path.Combine("tests", r.File), 0, null, $"test case '{r.Name}' failed: {f}")))
            .ToList();
        return new RulePackGateResult(failures.Count == 0 ? loaded.Pack : null, failures, results);
    }

    public static (CompiledPack? Pack, IReadOnlyList<RuleFileError> Errors, int TestsPassed) Check(string folder, bool runTests)
    {
        var result = Run(folder, runTests);
        return (result.Pack, result.Errors, result.TestsPassed);
    }
}
