using System.CommandLine;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Preview;
using KetamineCds.Rules.Analysis;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds rules diff OLD NEW [--patients FOLDER] [--at DATE]</c>: what a pack change does before it is live.
/// Both packs run over every test case of both, the bundled example requests, and each patient record in FOLDER under
/// each hook; every case whose cards differ is listed (card gained, lost, or at another indicator), with counts per rule.
/// Exits 1 when a rule's content changed and its version did not, naming the rule: its <c>rule@version</c> on cards and in
/// the audit would name two different rules.
/// </summary>
public static class DiffCommand
{
    public static Command Create()
    {
        var before = new Argument<string>("old") { Description = "The pack folder as it is (e.g. the live pack)" };
        var after = new Argument<string>("new") { Description = "The pack folder as edited" };
        var patients = new Option<DirectoryInfo?>("--patients") { Description = "A folder of FHIR Bundles (patient records), each run under every hook" };
        var at = new Option<string?>("--at") { Description = "The date the patient records are evaluated at (yyyy-MM-dd); default today" };
        var command = new Command("diff", "Show which cases gain, lose or change a card between two packs, and refuse a rule changed without a new version")
        {
            before, after, patients, at,
        };
        command.SetAction(parse => Run(parse.GetValue(before)!, parse.GetValue(after)!, parse.GetValue(patients), parse.GetValue(at), TimeProvider.System));
        return command;
    }

    private static int Run(string beforeFolder, string afterFolder, DirectoryInfo? patients, string? atText, TimeProvider time)
    {
        var packs = new[] { beforeFolder, afterFolder }.Select(f => (Folder: f, Loaded: RulePackLoader.Load(f))).ToList();
        foreach (var (folder, loaded) in packs.Where(p => !p.Loaded.IsValid))
        {
            Console.Error.WriteLine($"{folder}: the rule pack is not valid; run 'ketamine-cds rules check {folder}'");
            return 2;
        }

        DateTimeOffset at;
        if (atText is null)
        {
            at = time.GetUtcNow();
        }
        else if (!DateTimeOffset.TryParse(atText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out at))
        {
            Console.Error.WriteLine($"--at '{atText}' is not a date (yyyy-MM-dd)");
            return 2;
        }

        var (old, now) = (packs[0].Loaded.Pack!, packs[1].Loaded.Pack!);
        var result = PackDiff.Run(old, now, Cases(beforeFolder, afterFolder, patients, at));
        Print(result, old, now, afterFolder);
        return result.Unversioned.Count == 0 ? 0 : 1;
    }

    /// <summary>Every case both packs are run over: their test cases, the bundled examples, then each record in FOLDER.</summary>
    public static IEnumerable<DiffCase> Cases(string beforeFolder, string afterFolder, DirectoryInfo? patients, DateTimeOffset at)
    {
        var files = patients is null ? [] : patients.EnumerateFiles("*.json", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        var records = files.SelectMany(file => ReadRecord(file) is { } resources ? DiffCase.ForRecord(file.Name, resources, at) : []);
        return PackDiffCases.For(beforeFolder, afterFolder, new ExamplePatients()).Concat(records);
    }

    private static IReadOnlyList<Hl7.Fhir.Model.Resource>? ReadRecord(FileInfo file)
    {
        try
        {
            return [.. FhirJson.Flatten(FhirJson.Parse(File.ReadAllText(file.FullName)))];
        }
        catch (FormatException)
        {
            Console.Error.WriteLine($"{file.Name}: not a FHIR resource or Bundle; skipped");
            return null;
        }
    }

    private static void Print(PackDiffResult result, CompiledPack old, CompiledPack now, string afterFolder)
    {
        Console.WriteLine($"{old.Label} ({old.ContentHash[..12]}) -> {now.Label} ({now.ContentHash[..12]}): {result.Cases} cases, {result.Changes.Count} card changes");
        foreach (var change in result.Changes)
        {
            var what = change.Change switch
            {
                "gained" => $"gained ({change.After})",
                "lost" => $"lost ({change.Before})",
                _ => $"{change.Before} -> {change.After}",
            };
            Console.WriteLine($"  {change.Case} [{change.Hook}]: {change.RuleId} {what}");
        }

        if (result.PerRule.Count > 0)
        {
            Console.WriteLine("Per rule:");
            foreach (var rule in result.PerRule)
            {
                Console.WriteLine($"  {rule.RuleId,-24} gained {rule.Gained,4}  lost {rule.Lost,4}  changed indicator {rule.Changed,4}");
            }
        }

        foreach (var problem in result.Unversioned)
        {
            Console.Error.WriteLine($"{Path.Combine(afterFolder, problem.File)}:{problem.Line} [{problem.RuleId}]: {problem.Message}");
        }
    }
}
