using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Analysis;

namespace KetamineCds.Rules.Tests;

/// <summary><c>rules coverage</c>: the codes of a population that no set claims but that sit next to one.</summary>
[Trait("Category", "Unit")]
public sealed class CoverageReportTests
{
    [Fact]
    public void GivenRecordsWithClaimedNearAndUnrelatedCodes_WhenReported_ThenOnlyTheNearMissesAreListedWithTheirSetAndReason()
    {
        var definitions = Directory.GetFiles(Path.Combine(Repository.RulesFolder, "valuesets"), "*.json")
            .Select(f => FhirParsing.Deserializer.Deserialize<ValueSet>(File.ReadAllText(f)))
            .ToDictionary(v => v.Id!, StringComparer.Ordinal);
        IReadOnlyList<Resource> first = [Condition("http://hl7.org/fhir/sid/icd-10-cm", "F20.9", "Schizophrenia, unspecified"),
            Condition("http://hl7.org/fhir/sid/icd-10-cm", "K74.3", "Primary biliary cirrhosis"),
            Condition("http://snomed.info/sct", "26929004", "Alzheimer's disease (disorder)"), // claimed by dementia since issue 29
            Condition("http://snomed.info/sct", "410429000", "Cardiac Arrest")];
        IReadOnlyList<Resource> second = [Condition("http://hl7.org/fhir/sid/icd-10-cm", "K74.3", "Primary biliary cirrhosis"),
            Condition("http://hl7.org/fhir/sid/icd-10-cm", "J06.9", "Acute upper respiratory infection, unspecified")];

        var rows = CoverageReport.NearMisses(Repository.Pack, definitions, [first, second]);

        Assert.Collection(rows,
            biliary => Assert.Equal(("K74.3", 2, "cirrhosis", "ICD-10-CM category K74"),
                (biliary.Code, biliary.Patients, biliary.ValueSet, biliary.Why)),
            arrest => Assert.Equal(("410429000", 1, "heart-failure", "display word 'cardiac'"),
                (arrest.Code, arrest.Patients, arrest.ValueSet, arrest.Why)));
    }

    private static Condition Condition(string system, string code, string display) =>
        new() { Id = code, Code = new CodeableConcept { Coding = [new Coding(system, code, display)] } };
}
