using KetamineCds.Api.RulePack;
using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Loading;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Preview;

/// <summary>What the workbench shows before a reload: the live pack against the pack on disk.</summary>
public sealed record PackDiffDocument(
    string Live, string LiveHash, string OnDisk, string OnDiskHash, int Cases, string Summary,
    IReadOnlyList<CardChange> Changes, IReadOnlyList<RuleImpact> PerRule, IReadOnlyList<string> Unversioned);

/// <summary>
/// <c>GET /admin/rules/diff</c>: the same diff as <c>rules diff</c>, live pack against the folder the next reload would
/// read, over the folder's test cases and the bundled examples. A rule changed without a new version is listed: the
/// reload would refuse it.
/// </summary>
public static class PackDiffApi
{
    public static IResult Diff(RulePackProvider packs, IOptions<RulesOptions> options, ExamplePatients examples)
    {
        var folder = options.Value.Path;
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            // The same answer as a refused reload: every error, by file, line and rule id.
            return Results.UnprocessableEntity(new { errors = loaded.Errors });
        }

        var (live, disk) = (packs.Current, loaded.Pack!);
        var result = PackDiff.Run(live, disk, PackDiffCases.For(null, folder, examples));
        return Results.Json(new PackDiffDocument(live.Label, live.ContentHash, disk.Label, disk.ContentHash, result.Cases, result.Summary,
            result.Changes, result.PerRule, [.. result.Unversioned.Select(u => $"{u.File}:{u.Line} [{u.RuleId}]: {u.Message}")]));
    }
}
