using Hl7.Fhir.Model;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Tests;

[Trait("Category", "Unit")]

public class RuleEvaluatorTests
{
    private static EvaluationResult Evaluate(CompiledPack pack, string hook, params Resource[] resources) =>
        RuleEvaluator.Evaluate(pack, new PatientRecord(resources), new HookContext(hook, hook == "patient-view" ? [] : [Fhir.KetamineOrder()], []), Fhir.Now);

    private static Resource[] Adult(params Resource[] extra) =>
        [Fhir.Patient(), Fhir.Condition("F33.2"), Fhir.Quantity("29463-7", 70, "kg", "2026-11-20", "wt"), Fhir.Quantity("44261-6", 18, "{score}", "2026-11-20", "phq"), .. extra];

    [Fact]
    public void GivenCrisisBloodPressure_WhenEvaluated_ThenOneBloodPressureCardAndOthersSuperseded()
    {
        var result = Evaluate(Repository.Pack, "order-sign", Adult(Fhir.BloodPressure(186, 112, "2026-11-25")));

        var bp = Assert.Single(result.Findings, f => f.RuleId.StartsWith("KET-13", StringComparison.Ordinal));
        Assert.Equal("KET-13-CRIT", bp.RuleId);
        Assert.Equal(RuleOutcome.Superseded, result.Trace.Single(t => t.RuleId == "KET-13-WARN").Outcome);
        Assert.Contains("186/112 mm[Hg]", bp.Summary); // the whole reading, not the half that fired
        Assert.Contains("2026-11-25", bp.Summary);
        Assert.Contains("KET-13-CRIT@1.0.1", bp.Detail);
    }

    [Fact]
    public void GivenSeveralFindings_WhenEvaluated_ThenCriticalFirstThenWarningThenInfo()
    {
        var result = Evaluate(Repository.Pack, "order-sign", Adult(Fhir.BloodPressure(186, 112, "2026-11-25"), Fhir.Condition("F20.9", id: "scz")));

        var indicators = result.Findings.Select(f => f.Indicator).ToList();
        Assert.Equal(indicators.OrderByDescending(i => i), indicators);
        Assert.Equal(Indicator.Critical, indicators[0]);
    }

    [Fact]
    public void GivenCriticalFinding_WhenEvaluated_ThenDeleteSuggestionTargetsTheDraftOrderAndOverrideReasonsHaveDisplays()
    {
        var finding = Evaluate(Repository.Pack, "order-sign", Adult(Fhir.Condition("F20.9", id: "scz"))).Findings.Single(f => f.RuleId == "KET-08");

        var delete = Assert.Single(finding.Suggestions);
        Assert.Equal("delete", delete.ActionType);
        Assert.Equal("MedicationRequest/ket1", delete.ResourceId);
        Assert.NotEmpty(finding.OverrideReasons);
        Assert.All(finding.OverrideReasons, r => Assert.False(string.IsNullOrEmpty(r.Display)));
    }

    [Fact]
    public void GivenMissingBirthDateAndAContraindicationOnAge_WhenEvaluated_ThenIncompleteCheckCardNotSilence()
    {
        var result = Evaluate(Repository.Pack, "order-sign", [new Patient { Id = "p1" }, Fhir.Condition("F33.2")]);

        var incomplete = Assert.Single(result.Findings, f => f.RuleId == "KET-01");
        Assert.True(incomplete.IsIncompleteCheck);
        Assert.StartsWith("Check incomplete", incomplete.Summary);
        Assert.Contains("no birth date", incomplete.Detail);
    }

    [Fact]
    public void GivenRuleThatThrowsAtRunTime_WhenEvaluated_ThenCheckIncompleteCardAndErrorInTrace()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pack-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "valuesets"));
        File.Copy(Path.Combine(Repository.RulesFolder, "valuesets", "ketamine-products.json"), Path.Combine(folder, "valuesets", "ketamine-products.json"));
        File.Copy(Path.Combine(Repository.RulesFolder, "valuesets", "major-depression.json"), Path.Combine(folder, "valuesets", "major-depression.json"));
        File.WriteAllText(Path.Combine(folder, "pack.yaml"), "name: throwing\nversion: 0.0.1\norderValueSet: ketamine-products\nruleFiles: [rules.yaml]\n");
        // single() on a condition with two codings raises an error in the FHIRPath engine at evaluation time.
        File.WriteAllText(Path.Combine(folder, "rules.yaml"), """
            rules:
              - id: TST-01
                version: 1.0.0
                status: active
                title: Throws while evaluating
                category: caution
                hooks: [order-sign]
                when: { fact: condition, valueSet: major-depression, where: "code.coding.single().code = 'F33.2'" }
                card: { indicator: warning, summary: never shown, source: { label: test, topic: { system: "urn:test", code: THROWS, display: test } } }
                references: [ { citation: test } ]
                lastReviewed: 2026-11-26
            """);
        var pack = RulePackLoader.Load(folder).Pack!;
        var condition = Fhir.Condition("F33.2");
        condition.Code!.Coding.Add(new Coding("http://snomed.info/sct", "66344007"));

        var result = Evaluate(pack, "order-sign", condition);

        Directory.Delete(folder, true);
        Assert.Equal(RuleOutcome.Error, Assert.Single(result.Trace).Outcome);
        var card = Assert.Single(result.Findings);
        Assert.True(card.IsIncompleteCheck);
        Assert.Equal(Indicator.Warning, card.Indicator);
    }

    [Fact]
    public void GivenOrderHookWithoutKetamineOrder_WhenEvaluated_ThenNothing()
    {
        var result = RuleEvaluator.Evaluate(Repository.Pack, new PatientRecord(Adult()),
            new HookContext("order-sign", [Fhir.Medication("308182", "amoxicillin 250 MG Oral Capsule", MedicationRequest.MedicationrequestStatus.Draft)], []), Fhir.Now);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void GivenKetamineClinicalDrugWithUnlistedCode_WhenDetected_ThenRecognisedByIngredientName()
    {
        var order = Fhir.KetamineOrder();
        order.Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "999999", "ketamine hydrochloride 50 MG/ML Injectable Solution");
        var esketamine = Fhir.KetamineOrder(id: "esk");
        esketamine.Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "999998", "esketamine 28 MG Nasal Spray");
        var record = new PatientRecord([]);

        Assert.True(Repository.Pack.IsKetamineOrder(order, record));
        Assert.False(Repository.Pack.IsKetamineOrder(esketamine, record));
    }

    [Fact]
    public void GivenMedicationResourceReference_WhenDetected_ThenKetamineOrderFoundThroughIt()
    {
        var order = Fhir.KetamineOrder();
        order.Medication = new ResourceReference("Medication/k");
        var medication = new Medication
        {
            Id = "k", Code = new CodeableConcept { Text = "Ketamine infusion bag" },
            Ingredient = [new Medication.IngredientComponent { Item = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") }],
        };

        Assert.True(Repository.Pack.IsKetamineOrder(order, new PatientRecord([medication])));
    }
}
