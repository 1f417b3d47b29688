using System.CommandLine;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Analysis;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds rules coverage --patients FOLDER [--rules rules]</c>: the codes in a folder of FHIR Bundles (one
/// patient each, as exported from the EHR) that no value set of the pack claims but that share an ICD-10-CM category
/// or a distinctive display word with one. The admin's list of near misses to review; nothing is changed.
/// </summary>
public static class CoverageCommand
{
    public static Command Create()
    {
        var patients = new Option<DirectoryInfo>("--patients") { Description = "A folder of FHIR Bundles, one patient each (searched recursively)", Required = true };
        var folder = new Option<string>("--rules") { Description = "The rule pack folder", DefaultValueFactory = _ => "rules" };
        var coverage = new Command("coverage", "List codes in real records that no value set claims but that are near one") { patients, folder };
        coverage.SetAction(parse => Run(parse.GetValue(folder)!, parse.GetValue(patients)!));
        return coverage;
    }

    private static int Run(string folder, DirectoryInfo patients)
    {
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            Console.Error.WriteLine($"the pack in '{folder}' is invalid; run 'rules check {folder}'");
            return 1;
        }

        if (!patients.Exists)
        {
            Console.Error.WriteLine($"'{patients.FullName}' is not a folder");
            return 2;
        }

        var definitions = ReadAll<ValueSet>(new DirectoryInfo(folder)).Where(v => v.Id is not null).ToDictionary(v => v.Id!, StringComparer.Ordinal);
        var records = ReadAll<Bundle>(patients).Select(b => (IReadOnlyList<Resource>)[.. FhirParsing.Flatten(b)]).ToList();
        var rows = CoverageReport.NearMisses(loaded.Pack!, definitions, records);

        Console.WriteLine($"{records.Count} records, {rows.Count} codes near a value set but not in it (patients: in how many records)");
        Console.WriteLine();
        Console.WriteLine("| Patients | System | Code | Display | Near | Why |");
        Console.WriteLine("|---:|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var system = row.System.Split('/', ':').Last(s => s.Length > 0);
            Console.WriteLine($"| {row.Patients} | {system} | {row.Code} | {row.Display?.Replace("|", "/", StringComparison.Ordinal)} | {row.ValueSet} | {row.Why} |");
        }

        return 0;
    }

    // Files that are not FHIR, or not of this type (schemas, READMEs), are skipped.
    private static IEnumerable<T> ReadAll<T>(DirectoryInfo folder) where T : Resource
    {
        foreach (var file in folder.EnumerateFiles("*.json", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            if (FhirParsing.Deserializer.TryDeserializeResource(File.ReadAllText(file.FullName), out var resource, out _) && resource is T wanted)
            {
                yield return wanted;
            }
        }
    }
}
