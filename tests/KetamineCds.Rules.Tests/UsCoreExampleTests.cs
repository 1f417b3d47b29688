using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Record;
using static KetamineCds.Rules.Tests.FactHarness;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// HL7's own US Core 9.0.0 examples (tests/third-party/us-core), read through the live input path as a prefetch Bundle
/// would bring them: each is read as its shape means. A medication as a code, as a contained Medication, as a
/// reference to a Medication in the same Bundle (or not: then named by its display, and listed for a FHIR read); a
/// pharmacy dispense counts as taking the drug for its supply; pregnancy status, a blood pressure (and one whose
/// diastolic is absent), a body weight, and the PHQ-9 panel with its items as members.
/// </summary>
[Trait("Category", "Unit")]
public sealed class UsCoreExampleTests
{
    private const string Rx = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private static JsonElement Example(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.ThirdParty, "us-core", file))).RootElement.Clone();

    /// <summary>The examples as one prefetch Bundle with fullUrls, read entry by entry.</summary>
    private static (PatientRecord Record, RecordReader Reader) Read(params string[] files)
    {
        var entries = files.Select(f => Example(f)).Select(e => new Dictionary<string, object>
        {
            ["fullUrl"] = $"https://ehr.example.org/fhir/{e.GetProperty("resourceType").GetString()}/{e.GetProperty("id").GetString()}",
            ["resource"] = e,
        });
        var bundle = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = entries });
        var reader = new RecordReader();
        Assert.True(reader.Read("prefetch us-core", bundle));
        Assert.Empty(reader.SetAside);
        return (new PatientRecord(reader.Resources, byFullUrl: reader.ByFullUrl, setAside: reader.SetAside), reader);
    }

    [Theory]
    [InlineData("medicationrequest-coded-oral-axid.json", "medicationrequest-coded-oral-axid")]
    [InlineData("medicationrequest-contained-oral-axid.json", "medicationrequest-contained-oral-axid")]
    public void GivenAMedicationAsACodeOrContained_WhenRead_ThenItsConceptIsTheDrug(string file, string id)
    {
        var (record, _) = Read(file);

        var request = Assert.Single(record.MedicationRequests, r => r.Id == id);
        var concept = record.Medications.Concept(request.Medication, request);
        Assert.Contains(concept!.Coding, c => c.System == Rx && c.Display!.Contains("Nizatidine", StringComparison.Ordinal));
        Assert.Empty(record.Medications.UnresolvedReferences(record));
    }

    [Fact]
    public void GivenAReferenceToAMedicationInTheSameBundle_WhenRead_ThenItResolvesToThatMedication()
    {
        var (record, _) = Read("medicationrequest-referenced-oral-axid.json", "uscore-med2.json");

        var request = Assert.Single(record.MedicationRequests);
        Assert.Equal("582620", record.Medications.Concept(request.Medication, request)!.Coding.Single().Code);
        Assert.Empty(record.Medications.UnresolvedReferences(record));
    }

    [Fact]
    public void GivenAReferenceWhoseMedicationIsNotSent_WhenRead_ThenItIsListedForAReadAndNamedByItsDisplay()
    {
        var (record, _) = Read("medicationrequest-referenced-oral-axid.json");

        var request = Assert.Single(record.MedicationRequests);
        Assert.Equal(["Medication/uscore-med2"], record.Medications.UnresolvedReferences(record));
        Assert.Equal("Nizatidine 15 MG/ML Oral Solution [Axid]", record.Medications.NamedOnly(request.Medication, request)!.Text);
        // Its display names the drug, so it is not an unidentifiable one.
        Assert.Empty(record.Medications.UnidentifiedOfType("MedicationRequest", record));
    }

    [Fact]
    public void GivenAPharmacyDispense_WhenEvaluated_ThenItCountsAsTakingTheDrugForItsSupplyAndNotAfter()
    {
        var (record, _) = Read("medicationdispense-example.json");
        var nizatidine = ValueSetOf("476872");
        var fact = new MedicationFact(nizatidine, null, null, MedicationSource.All, null);
        var handedOver = new DateTimeOffset(2016, 12, 8, 6, 38, 52, TimeSpan.Zero);

        // No days' supply on the example: the pack's default (30 days) stands for it.
        Assert.Equal(Truth.True, Evaluate(fact, record, handedOver.AddDays(20)).Truth);
        Assert.Equal(Truth.False, Evaluate(fact, record, handedOver.AddDays(40)).Truth);
        Assert.Contains("MedicationDispense/medicationdispense-example", Evaluate(fact, record, handedOver.AddDays(20)).Evidence.Select(e => e.Reference));
    }

    [Fact]
    public void GivenPregnancyStatusPregnant_WhenAnOrderIsSignedSoonAfter_ThenThePregnancyContraindicationFires()
    {
        var (record, _) = Read("patient-example.json", "observation-pregnancy-status.json", "observation-pregnancy-intent.json");

        var result = RuleEvaluator.Evaluate(Repository.Pack, record, new HookContext("order-sign", [Fhir.KetamineOrder()], []),
            new DateTimeOffset(2022, 9, 1, 0, 0, 0, TimeSpan.Zero));

        var card = Assert.Single(result.Findings, f => f.RuleId == "KET-16");
        Assert.Equal(Indicator.Critical, card.Indicator);
        Assert.Contains(card.Evidence, e => e.Reference == "Observation/pregnancy-status" && e.Value == "Pregnant");
    }

    [Fact]
    public void GivenABloodPressurePanelAndOneWithItsDiastolicAbsent_WhenRead_ThenOnlyTheWholeReadingCounts()
    {
        var at = new DateTimeOffset(1999, 7, 10, 0, 0, 0, TimeSpan.Zero);
        var systolic = new ObservationFact(new ObservationQuery(Set("blood-pressure-panel"), Set("systolic-bp"), Window("30d"), ObservationTest.Value,
            new Comparison("ge", 100, "mm[Hg]")));
        var diastolic = new ObservationFact(new ObservationQuery(Set("blood-pressure-panel"), Set("diastolic-bp"), Window("30d"), ObservationTest.Value,
            new Comparison("lt", 60, "mm[Hg]")));

        var (whole, _) = Read("blood-pressure.json");
        var (absent, _) = Read("bp-data-absent.json");

        Assert.Equal(Truth.True, Evaluate(systolic, whole, at).Truth);
        Assert.Equal("109/44 mm[Hg]", Evaluate(diastolic, whole, at).Evidence.Single().Value);
        // The absent diastolic is no reading at all, never a zero: there is no diastolic to compare.
        Assert.Equal(Truth.False, Evaluate(diastolic, absent, at).Truth);
        Assert.Empty(Evaluate(diastolic, absent, at).Evidence);
    }

    [Fact]
    public void GivenABodyWeight_WhenAKetamineDoseIsOrdered_ThenTheDosePerKgUsesIt()
    {
        var (record, _) = Read("weight.json");
        var perKg = new DraftOrderFact(DraftOrderFact.DosePerKg, new Comparison("ge", 1.0m, "mg/kg"), Set("body-weight"), Window("30d"));

        var result = Evaluate(perKg, record, new DateTimeOffset(1999, 7, 10, 0, 0, 0, TimeSpan.Zero), Fhir.KetamineOrder(30));

        Assert.Equal(Truth.True, result.Truth); // 30 mg for 20.1 kg is 1.49 mg/kg
        Assert.Contains(result.Evidence, e => e.Label == "Body weight" && e.Value == "20.1 kg");
    }

    [Fact]
    public void GivenThePhq9PanelWithItsItemsAsMembers_WhenRead_ThenTheTotalAndItem9AreRead()
    {
        var (record, _) = Read("Observation-PHQ9-panel-example-44249-1.json", "Observation-PHQ9-item-example-44261-6.json",
            "Observation-PHQ9-item-example-44260-8.json");
        var at = new DateTimeOffset(2022, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var total = new ObservationFact(new ObservationQuery(Set("phq9-total"), Within: Window("30d"), Test: ObservationTest.Value, Comparison: new Comparison("ge", 10, null)));
        var item9 = new ObservationFact(new ObservationQuery(Set("phq9-item9"), Within: Window("14d"), Test: ObservationTest.Value, Comparison: new Comparison("ge", 1, null)),
            AnswerScoresOfPack());

        // The total is sent as text ("12"): read as the number it is.
        Assert.Equal(Truth.True, Evaluate(total, record, at).Truth);
        // Item 9 answered "Not at all" scores 0.
        Assert.Equal(Truth.False, Evaluate(item9, record, at).Truth);
    }

    private static AnswerScores AnswerScoresOfPack() =>
        AnswerScores.From(Directory.EnumerateFiles(Path.Combine(Repository.RulesFolder, "valuesets"), "*.json")
            .Select(f => (ValueSet)new FhirJsonDeserializer().DeserializeResource(File.ReadAllText(f))));

    private static ConditionResult Evaluate(ICondition fact, PatientRecord record, DateTimeOffset now, MedicationRequest? order = null)
    {
        var context = new EvaluationContext(record, new HookContext("order-sign", [order ?? Fhir.KetamineOrder()], []), now, Repository.Pack);
        return fact.Evaluate(context);
    }

    private static ValueSetIndex ValueSetOf(string rxnorm)
    {
        var definition = new ValueSet
        {
            Id = "test-drug",
            Title = "Test drug",
            Compose = new ValueSet.ComposeComponent { Include = [new ValueSet.ConceptSetComponent { System = Rx, Concept = [new ValueSet.ConceptReferenceComponent { Code = rxnorm }] }] },
        };
        return ValueSetCompiler.Compile(new Dictionary<string, ValueSet> { ["test-drug"] = definition }, (_, message) => throw new InvalidOperationException(message))["test-drug"];
    }
}
