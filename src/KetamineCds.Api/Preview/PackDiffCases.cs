using KetamineCds.Rules.Analysis;

namespace KetamineCds.Api.Preview;

/// <summary>The cases a pack change is judged over, the same for <c>rules diff</c> and the workbench.</summary>
public static class PackDiffCases
{
    /// <summary>The test cases of both pack folders (the new one's where both have a case of that name), then the bundled examples.</summary>
    public static List<DiffCase> For(string? beforeFolder, string afterFolder, ExamplePatients examples)
    {
        var cases = DiffCase.FromTests(Path.Combine(afterFolder, "tests")).ToList();
        if (beforeFolder is not null)
        {
            var names = cases.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            cases.AddRange(DiffCase.FromTests(Path.Combine(beforeFolder, "tests")).Where(t => !names.Contains(t.Name)));
        }

        // Each example under every hook, at the date it is written for, so its windows hold as its author meant.
        var written = new DateTimeOffset(ExamplePatients.WrittenFor.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        cases.AddRange(examples.List().Select(e => examples.Find(e.Id)).OfType<ExamplePatient>()
            .SelectMany(e => DiffCase.ForRecord($"example {e.Id}", e.Resources, written)));
        return cases;
    }
}
