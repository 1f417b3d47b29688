using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Record;
using Xunit.Abstractions;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// Third-party patients (Synthea, AHRQ, eCQM test cases in tests/third-party/fhir-patients), not written here, run
/// through the shipped pack on order-sign with a ketamine draft order, at dates pinned to each record's own data.
/// </summary>
[Trait("Category", "Unit")]
public class RealPatientTests(ITestOutputHelper output)
{
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));
    private static string Patients => Path.Combine(Repository.ThirdParty, "fhir-patients");

    private static List<Resource> LoadBundle(string relative)
    {
        var bundle = (Bundle)Parser.DeserializeResource(File.ReadAllText(Path.Combine(Patients, relative)));
        return bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
    }

    private static List<Resource> LoadFolder(string relative) =>
        Directory.EnumerateFiles(Path.Combine(Patients, relative), "*.json")
            .Select(f => Parser.DeserializeResource(File.ReadAllText(f)))
            .Where(r => r is not MeasureReport).ToList();

    private EvaluationResult OrderSign(List<Resource> resources, DateTimeOffset now, string label)
    {
        var result = RuleEvaluator.Evaluate(Repository.Pack, new PatientRecord(resources), new HookContext("order-sign", [Fhir.KetamineOrder()], []), now);
        output.WriteLine($"{label} @ {now:yyyy-MM-dd}: {string.Join(", ", result.Findings.Select(f => $"{f.RuleId} {f.Indicator.ToString().ToLowerInvariant()}"))}");
        return result;
    }

    /// <summary>The day after the patient's latest blood-pressure panel, so the reading is inside the 30-day window.</summary>
    private static DateTimeOffset DayAfterLatestBloodPressure(List<Resource> resources) =>
        resources.OfType<Observation>()
            .Where(o => o.Code.Coding.Any(c => c.Code is "55284-4" or "85354-9"))
            .Max(o => ((FhirDateTime)o.Effective!).ToDateTimeOffset(TimeSpan.Zero)).AddDays(1);

    [Theory]
    [InlineData("925b4f30-ea5c-47c3-a24f-8bfcec5dcdf6")]
    [InlineData("62ea0c3d-46da-48a1-87dd-d1927ed2df75")]
    public void GivenEcqmPatientWithPsychoticFeatures_WhenOrderSigned_ThenPsychoticFeaturesCaution(string patient)
    {
        var result = OrderSign(LoadFolder($"ecqm-qicore-2024-tests/AntidepressantMedicationManagementFHIR/{patient}"),
            new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), patient[..8]);

        var caution = Assert.Single(result.Findings, f => f.RuleId == "KET-09");
        Assert.Equal(Indicator.Warning, caution.Indicator);
        Assert.Contains(caution.Evidence, e => e.Value == "15193003");
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "KET-08"); // psychotic features are not a primary psychotic disorder
    }

    [Fact]
    public void GivenAhrqPatientWithPhq9AndBenzodiazepine_WhenOrderSigned_ThenSeverityEvidenceAndInteractionWarning()
    {
        var result = OrderSign(LoadBundle("ahrq-pms-r4/brenda_jackson.json"), new DateTimeOffset(2023, 1, 10, 0, 0, 0, TimeSpan.Zero), "brenda_jackson");

        var benzodiazepine = Assert.Single(result.Findings, f => f.RuleId == "KET-29");
        Assert.Equal(Indicator.Warning, benzodiazepine.Indicator);
        Assert.Contains("Chlordiazepoxide", benzodiazepine.Detail);
        var severity = Assert.Single(result.Findings, f => f.RuleId == "KET-06-LOW");
        Assert.Contains("Latest PHQ-9 is 8", severity.Summary);
        var summary = Assert.Single(result.Findings, f => f.RuleId == "KET-00-SUMMARY");
        Assert.Contains("✅ **Met**: Baseline severity score", summary.Detail);
        Assert.Contains(result.Findings, f => f.RuleId == "KET-30"); // oxycodone
    }

    [Theory]
    [InlineData("Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json", "KET-13-INFO")]           // 152/95
    [InlineData("Edward_Gulgowski_43481611-2459-44f5-ab20-4b142dac160f.json", "KET-13-CRIT")]   // 150/113
    [InlineData("Antonio_Castellanos_6d2eba67-5b4a-403f-a29f-e6da3f1ea963.json", "KET-13-WARN")] // 157/105
    [InlineData("Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json", "KET-13-WARN")]  // 171/108
    [InlineData("Jacob_Larson_0b324782-31d1-4659-89ab-58e075d6e61f.json", "KET-13-INFO")]        // 150/92
    [InlineData("Robby_Becker_69097ac3-9a4c-463b-89f6-72a392f437b4.json", "KET-13-WARN")]        // 176/98
    [InlineData("Eliseo_Cummings_55c373ad-af55-46ed-8f69-9c7a40a89d46.json", "KET-13-WARN")]     // 171/107
    [InlineData("Karena_Pfeffer_1f99a0cb-594b-476a-b9cb-502594c1ee6b.json", "KET-13-WARN")]      // 164/105
    public void GivenSyntheaPatientWithRecentHypertensiveReading_WhenOrderSigned_ThenBloodPressureCardAtItsTier(string file, string tierRule)
    {
        var resources = LoadBundle($"synthea-smart-r4/{file}");

        var result = OrderSign(resources, DayAfterLatestBloodPressure(resources), file.Split('_')[0]);

        var bp = Assert.Single(result.Findings, f => f.RuleId.StartsWith("KET-13", StringComparison.Ordinal));
        Assert.Equal(tierRule, bp.RuleId);
    }

    [Theory]
    [InlineData("Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json")]
    [InlineData("Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json")]
    [InlineData("Ned_Hintz_e4b9259d-0f54-48d1-a35d-b526729a4dfe.json")]
    [InlineData("Dannie_Schmitt_22d6efc6-2dc7-4f36-9d27-84fc6609c469.json")]
    public void GivenSyntheaControl_WhenOrderSigned_ThenNoContraindicationCard(string file)
    {
        var resources = LoadBundle($"synthea-smart-r4/{file}");

        var result = OrderSign(resources, DayAfterLatestBloodPressure(resources), file.Split('_')[0]);

        Assert.DoesNotContain(result.Findings, f => f.Indicator == Indicator.Critical);
        Assert.DoesNotContain(result.Findings, f => f.Category == "contraindication");
        Assert.DoesNotContain(result.Findings, f => f.RuleId.StartsWith("KET-13", StringComparison.Ordinal));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {resources.Count} resources"));
    }
}
