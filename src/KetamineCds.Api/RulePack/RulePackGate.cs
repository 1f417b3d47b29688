using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Testing;

namespace KetamineCds.Api.RulePack;

/// <summary>
/// What the gate found: the pack when it passed, every error when it did not, each test case's result, and, on a
/// reload, what the pack changes compared with the live one (its test cases run with both packs).
/// </summary>
public sealed record RulePackGateResult(CompiledPack? Pack, IReadOnlyList<RuleFileError> Errors, IReadOnlyList<RuleTestResult> Tests)
{
    public int TestsPassed => Tests.Count(t => t.Passed);

    /// <summary>Cards gained, lost or changed by rule over the pack's test cases, compared with the live pack; null at start-up.</summary>
    public PackDiffResult? Impact { get; init; }
}

/// <summary>
/// The one check a pack passes before it serves a clinician, at start-up, on reload and in <c>rules test</c>: the
/// engine's validation (schema, facts, value sets, FHIRPath, summaries), then the pack's own test cases, then (on a
/// reload) every rule whose content changed since the live pack must carry a new version. A pack without a
/// <c>tests/</c> folder passes the gate (a site may start from an empty pack); <c>rules test</c> says so.
/// </summary>
public static class RulePackGate
{
    public static RulePackGateResult Run(string folder, bool runTests, CompiledPack? live = null)
    {
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            return new RulePackGateResult(null, loaded.Errors, []);
        }

        var pack = loaded.Pack!;
        // rule@version is stamped on every card and audit row: two contents under one version would make it lie.
        var unversioned = live is null ? [] : PackDiff.Unversioned(live, pack)
            .Select(u => new RuleFileError(u.File, u.Line, u.RuleId, u.Message)).ToList();
        var testsFolder = Path.Combine(folder, "tests");
        if (!runTests || !Directory.Exists(testsFolder))
        {
            return new RulePackGateResult(unversioned.Count == 0 ? pack : null, unversioned, []);
        }

        var results = RuleTestRunner.Run(pack, testsFolder);
        var failures = results
            .Where(r => !r.Passed)
            .SelectMany(r => r.Failures.Select(f => new RuleFileError(Path.Combine("tests", r.File), 0, null, $"test case '{r.Name}' failed: {f}")))
            .Concat(unversioned)
            .ToList();
        if (failures.Count > 0)
        {
            return new RulePackGateResult(null, failures, results);
        }

        return new RulePackGateResult(pack, [], results)
        {
            Impact = live is null || live.ContentHash == pack.ContentHash ? null : PackDiff.Run(live, pack, DiffCase.FromTests(testsFolder)),
        };
    }
}
