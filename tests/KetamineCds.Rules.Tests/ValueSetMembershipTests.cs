using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Value-set membership as the rules see it: enumerated codes, ICD-10-CM is-a prefixes, exclusions, value sets that
/// include others, system aliases, and RxNorm ingredient names. Asked repeatedly, as a pack's shared memory answers it,
/// and through a record's code index, the answers must be those of the value set's definition.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ValueSetMembershipTests
{
    private const string Snomed = CodeSystems.Snomed;
    private const string Icd = CodeSystems.Icd10Cm;

    private static readonly IReadOnlyDictionary<string, ValueSetIndex> Sets = ValueSetCompiler.Compile(new Dictionary<string, ValueSet>
    {
        ["psychosis"] = new()
        {
            Url = "http://example.org/fhir/ValueSet/psychosis",
            Compose = new ValueSet.ComposeComponent
            {
                // Schizophrenia spectrum by ICD-10-CM prefix, less one code; one SNOMED concept enumerated.
                Include =
                [
                    new() { System = Icd, Filter = [new() { Property = "concept", Op = FilterOperator.IsA, Value = "F20" }] },
                    new() { System = Snomed, Concept = [new() { Code = "58214004", Display = "Schizophrenia" }] },
                ],
                Exclude = [new() { System = Icd, Concept = [new() { Code = "F20.81" }] }],
            },
        },
        ["serious-mental-illness"] = new()
        {
            Compose = new ValueSet.ComposeComponent
            {
                Include =
                [
                    new() { ValueSet = ["http://example.org/fhir/ValueSet/psychosis"] },
                    new() { System = Icd, Concept = [new() { Code = "F31.9" }] },
                ],
            },
        },
        ["benzodiazepines"] = new()
        {
            Compose = new ValueSet.ComposeComponent
            {
                Include =
                [
                    new()
                    {
                        System = CodeSystems.RxNorm,
                        Concept =
                        [
                            new()
                            {
                                Code = "596", Display = "alprazolam",
                                Designation = [new() { Use = new Coding("http://example.org", ValueSetIndex.IngredientNameUse), Value = "alprazolam" }],
                            },
                        ],
                    },
                ],
            },
        },
    }, (id, message) => throw new InvalidOperationException($"{id}: {message}"));

    public static TheoryData<string?, string, string, bool> Codes => new()
    {
        { Icd, "F20.9", "psychosis", true },
        { Icd, "F209", "psychosis", true },                         // ICD-10-CM without its dot
        { "urn:oid:2.16.840.1.113883.6.90", "F20.0", "psychosis", true }, // the OID alias of ICD-10-CM
        { Icd, "F20.81", "psychosis", false },                       // excluded inside an included prefix
        { Icd, "F2081", "psychosis", false },
        { Icd, "F21", "psychosis", false },
        { Snomed, "58214004", "psychosis", true },
        { Snomed, "F20.9", "psychosis", false },                     // right code, wrong system
        { null, "F20.9", "psychosis", false },
        { Icd, "F20.9", "serious-mental-illness", true },            // through the included value set
        { Icd, "F20.81", "serious-mental-illness", false },          // the included set's exclusion holds there too
        { Icd, "F31.9", "serious-mental-illness", true },
        { Icd, "F31.9", "psychosis", false },
        { CodeSystems.RxNorm, "596", "benzodiazepines", true },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void A_code_is_in_a_set_as_its_definition_says_every_time_it_is_asked(string? system, string code, string set, bool expected)
    {
        for (var ask = 0; ask < 3; ask++)
        {
            Assert.Equal(expected, Sets[set].Contains(system, code));
        }
    }

    [Fact]
    public void The_record_index_finds_the_same_resources_as_the_sets_themselves()
    {
        var conditions = new[] { "F20.9", "F20.81", "F31.9", "F32.1", "F20.9" }
            .Select((code, i) => Fhir.Condition(code, id: $"c{i}")).ToList();
        var record = new PatientRecord(conditions);

        foreach (var set in Sets.Values)
        {
            var expected = conditions.Where(c => set.Match(c.Code) is not null).Select(c => c.Id);
            Assert.Equal(expected, record.Index.ConditionsCodedIn(set).Select(c => c.Id));
        }

        Assert.Equal(["c0", "c4"], record.Index.ConditionsCodedIn(Sets["psychosis"]).Select(c => c.Id));
    }

    [Fact]
    public void A_medication_named_by_its_ingredient_is_found_when_no_code_matches()
    {
        // A local code the set does not list, but an RxNorm display naming the ingredient (a clinical drug).
        var byName = Fhir.Medication("999999", "alprazolam 0.5 MG Oral Tablet", id: "named");
        var other = Fhir.Medication("197591", "diazepam 5 MG Oral Tablet", id: "other");
        var record = new PatientRecord([byName, other]);

        Assert.Equal(["named"], record.Index.MedicationRequestsCodedIn(Sets["benzodiazepines"]).Select(m => m.Id));
    }
}
