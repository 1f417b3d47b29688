using System.Net;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The CDS Hooks spec's and peers' own example requests (tests/third-party/cds-hooks/examples) that are valid for
/// our hooks: each gets 200 with spec-valid cards. Examples that point at a FHIR server are pointed at WireMock,
/// which serves the data the example itself carries, as the EHR's server would.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SpecExampleTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private static string Examples => Path.Combine(Repository.ThirdParty, "cds-hooks", "examples");

    // Prefetch keys of other services' examples, and the template of ours that holds the same data.
    private static readonly Dictionary<string, string> TheirKeys = new()
    {
        ["Patient"] = "patient", ["patientToGreet"] = "patient", ["Condition"] = "conditions", ["Observation"] = "observations",
        ["MedicationRequest"] = "medicationRequests", ["MedicationStatement"] = "medicationStatements", ["MedicationDispense"] = "medicationDispenses",
    };

    public static TheoryData<string> ValidExamples() =>
    [
        "spec/request-patient-view.json",
        "spec/request-order-sign-prefetch-pagination.json",
        "inferno-crd/order_sign_hook_request.json",
        "inferno-crd/order_select_hook_request.json",
        "cql-services/unhealthy_patient.json",
        "hooks/order-select-context-r4.json",
        "hooks/order-sign-context-r4-draftOrders.json",
        "hooks/patient-view-context.json",
        "hooks/patient-view-context-with-encounter.json",
    ];

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public async Task GivenSpecExample_WhenPosted_Then200WithSpecValidCards(string example)
    {
        var request = Load(example);
        ServeTheirDataFromTheFhirServer(request);
        await using var app = new FetchingApplication(fhir);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenTheCqlServicesSyntheaExample_WhosePatientIsNotTheContextPatient_WhenPosted_Then412NamingThePatientKey()
    {
        // AHRQ's Debora709_Mayer370.json sends context.patientId "2-1" with a prefetch Patient fa421f60-… (the Synthea
        // id): by CDS Hooks 2.0 §Prefetch that is another patient's record, which is never advised on.
        var request = Load("cql-services/Debora709_Mayer370.json");
        ServeTheirDataFromTheFhirServer(request);
        await using var app = new FetchingApplication(fhir);

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("patient", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    private JsonNode Load(string example)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Examples, example)))!;
        if (node["hook"] is not null)
        {
            return node;
        }

        // The hook-library examples are contexts only: wrap each in a request as an EHR would send it.
        var hook = example.Contains("order-select", StringComparison.Ordinal) ? "order-select"
            : example.Contains("order-sign", StringComparison.Ordinal) ? "order-sign" : "patient-view";
        return new JsonObject { ["hook"] = hook, ["hookInstance"] = Guid.NewGuid().ToString(), ["fhirServer"] = fhir.BaseUrl, ["context"] = node["context"]?.DeepClone() ?? node };
    }

    private void ServeTheirDataFromTheFhirServer(JsonNode request)
    {
        var ours = new JsonObject();
        foreach (var (key, value) in request["prefetch"]?.AsObject() ?? [])
        {
            if (TheirKeys.TryGetValue(key, out var our) && value is not null)
            {
                ours[our] = value.DeepClone();
            }
        }

        fhir.ServeExample(new JsonObject { ["prefetch"] = ours });
        if (request["fhirServer"] is not null)
        {
            request["fhirServer"] = fhir.BaseUrl;
        }
    }
}
