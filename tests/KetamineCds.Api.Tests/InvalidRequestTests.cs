using System.Net;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>Bad input gets a clear error with an OperationOutcome body, and nothing else happens.</summary>
[Trait("Category", "Integration")]
public sealed class InvalidRequestTests(KetamineCdsApplication app) : IClassFixture<KetamineCdsApplication>
{
    private static JsonNode Valid() => HttpJson.Example("order-select-eligible.json");

    public static TheoryData<string, string> BrokenShapes() => new()
    {
        { "missing hook", Mutate(r => r.AsObject().Remove("hook")) },
        { "hook of another service", Mutate(r => r["hook"] = "order-sign") },
        { "hookInstance not a UUID", Mutate(r => r["hookInstance"] = "12345") },
        { "context missing", Mutate(r => r.AsObject().Remove("context")) },
        { "context not an object", Mutate(r => r["context"] = "patient") },
        { "patientId missing", Mutate(r => r["context"]!.AsObject().Remove("patientId")) },
        { "patientId as a reference", Mutate(r => r["context"]!["patientId"] = "Patient/p1") },
        { "userId not a reference", Mutate(r => r["context"]!["userId"] = "dr-1") },
        { "selections missing on order-select", Mutate(r => r["context"]!.AsObject().Remove("selections")) },
        { "selections empty", Mutate(r => r["context"]!["selections"] = new JsonArray()) },
        { "draftOrders not a Bundle", Mutate(r => r["context"]!["draftOrders"] = new JsonObject { ["resourceType"] = "MedicationRequest" }) },
        { "fhirAuthorization without fhirServer", Mutate(r => r["fhirAuthorization"] = FhirServerFixture.Authorization("x")) },
        { "prefetch not an object", Mutate(r => r["prefetch"] = new JsonArray()) },
        { "fhirServer not a URL", Mutate(r => r["fhirServer"] = "not a url") },
        { "body is an array", "[]" },
        { "truncated JSON", Valid().ToJsonString()[..200] },
    };

    private static string Mutate(Action<JsonNode> change)
    {
        var request = Valid();
        change(request);
        return request.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(BrokenShapes))]
    public async Task GivenMalformedRequest_WhenPosted_Then400WithOperationOutcome(string problem, string body)
    {
        var (status, outcome, contentType) = await HttpJson.PostAsync(app.CreateClient(), "ketamine-order-select", body);

        Assert.True(status == HttpStatusCode.BadRequest, problem);
        Assert.Equal("application/fhir+json", contentType);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.False(string.IsNullOrWhiteSpace(outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString()));
    }

    [Fact]
    public async Task GivenSpecExampleWithoutPatientId_WhenPatientViewCalled_Then400NamingTheField()
    {
        var body = File.ReadAllText(Path.Combine(Repository.ThirdParty, "cds-hooks", "examples", "spec", "request-with-extension.json"));

        var (status, outcome, _) = await HttpJson.PostAsync(app.CreateClient(), "ketamine-patient-view", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("context.patientId", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenWrongContentType_WhenPosted_Then415()
    {
        var (status, _, _) = await HttpJson.PostAsync(app.CreateClient(), "ketamine-order-select", Valid().ToJsonString(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task GivenNoPrefetchAndNoFhirServer_WhenKetamineOrderSigned_Then412NamingTheMissingKeys()
    {
        var request = HttpJson.Example("order-sign-eligible.json");
        request.AsObject().Remove("prefetch");

        var (status, outcome, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        var diagnostics = outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!;
        Assert.Contains("patient", diagnostics, StringComparison.Ordinal);
        Assert.Contains("observations", diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenOptionalKeysNotSupplied_WhenOrderSigned_ThenAnswerWithIncompleteChecksCard()
    {
        var request = HttpJson.Example("order-sign-eligible.json");
        request["prefetch"]!.AsObject().Remove("medicationStatements");

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        var cards = body.GetProperty("cards").EnumerateArray().ToList();
        Assert.Contains(cards, c => c.GetProperty("summary").GetString()!.Contains("incomplete", StringComparison.Ordinal));
        // The eligible patient's info cards follow the warning: a clinician reads the gap first.
        Assert.Equal("warning", cards[0].GetProperty("indicator").GetString());
        Assert.Contains("incomplete", cards[0].GetProperty("summary").GetString()!, StringComparison.Ordinal);
        Assert.All(cards.Skip(1), c => Assert.Equal("info", c.GetProperty("indicator").GetString()));
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenNullPrefetchValue_WhenOrderSigned_ThenTreatedAsNoDataNotMissing()
    {
        var request = HttpJson.Example("order-sign-eligible.json");
        request["prefetch"]!["allergies"] = null;

        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        // A null value is the EHR's answer "no allergies": nothing is named as missing and no allergy check is incomplete.
        Assert.Equal(HttpStatusCode.OK, status);
        var summaries = body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("summary").GetString()!).ToList();
        Assert.DoesNotContain(summaries, s => s.StartsWith("Checks incomplete", StringComparison.Ordinal));
        Assert.DoesNotContain(summaries, s => s.StartsWith("Check incomplete", StringComparison.Ordinal));
    }
}
