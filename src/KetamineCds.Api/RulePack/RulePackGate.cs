using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Testing;

namespace KetamineCds.Api.RulePack;

/// <summary>
/// The one check a pack passes before it serves a clinician, at start-up and on reload: the engine's validation
/// (schema, facts, value sets, FHIRPath, summaries) and then the pack's own test cases.
/// </summary>
public static class RulePackGate
{
    public static (CompiledPack? Pack, IReadOnlyList<RuleFileError> Errors, int TestsPassed) Check(string folder, bool runTests)
    {
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            return (null, loaded.Errors, 0);
        }

        var testsFolder = Path.Combine(folder, "tests");
        if (!runTests || !Directory.Exists(testsFolder))
        {
            return (loaded.Pack, [], 0);
        }

        var results = RuleTestRunner.Run(loaded.Pack!, testsFolder);
        var failures = results
            .Where(r => !r.Passed)
            .SelectMany(r => r.Failures.Select(f => new RuleFileError(Path.Combine("tests", r.File), 0, null, $"test case '{r.Name}' failed: {f}")))
            .ToList();
        return failures.Count == 0 ? (loaded.Pack, [], results.Count) : (null, failures, results.Count - results.Count(r => !r.Passed));
    }
}
