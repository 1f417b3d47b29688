using System.Diagnostics;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The committed value sets are exactly what <c>rules/tools/build-valuesets.py</c> makes from the VSAC
/// expansions, and the builder itself stops when an ingredient it was given is missing from its output (valproic acid
/// once went missing because its name has a space, and with it the "no mood stabiliser" check's knowledge of valproate).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ValueSetBuilderTests
{
    [Fact]
    public void GivenTheSharedSources_WhenTheBuilderRuns_ThenItWritesTheCommittedValueSetsAndEveryIngredient()
    {
        var output = Directory.CreateTempSubdirectory("kcds-valuesets-").FullName;
        try
        {
            var start = new ProcessStartInfo("python3", ["rules/tools/build-valuesets.py", "--out", output])
            {
                WorkingDirectory = Repository.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var builder = Process.Start(start)!;
            var printed = builder.StandardOutput.ReadToEnd();
            var errors = builder.StandardError.ReadToEnd();
            builder.WaitForExit();

            Assert.True(builder.ExitCode == 0, $"the builder failed: {errors}{printed}");
            Assert.Contains("ingredients written", printed, StringComparison.Ordinal);
            var committed = Directory.GetFiles(Path.Combine(Repository.RulesFolder, "valuesets"), "*.json").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(committed, Directory.GetFiles(output, "*.json").Select(Path.GetFileName).Order().ToList());
            foreach (var file in committed)
            {
                Assert.True(File.ReadAllText(Path.Combine(Repository.RulesFolder, "valuesets", file!)) == File.ReadAllText(Path.Combine(output, file!)),
                    $"valuesets/{file} differs from the builder's output: edit rules/tools/build-valuesets.py and run it");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void GivenValproateUnderItsThreeNames_WhenMatched_ThenEachIsAMoodStabiliserAndNoneIsACnsDepressant()
    {
        var stabilisers = Repository.Pack.ValueSets["mood-stabilizers"];
        var depressants = Repository.Pack.ValueSets["opioids-and-cns-depressants"];
        foreach (var product in new[] { "divalproex sodium 500 MG Delayed Release Oral Tablet", "valproic acid 250 MG Oral Capsule", "Valproate sodium 100 MG/ML Injectable Solution" })
        {
            var concept = new Hl7.Fhir.Model.CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "999999999", product);

            Assert.NotNull(stabilisers.Match(concept));
            Assert.Null(depressants.Match(concept));
        }
    }
}
