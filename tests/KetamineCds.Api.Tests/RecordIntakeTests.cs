using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The record as US Core servers and the large EHRs send it, end to end with WireMock as the EHR's FHIR server:
/// medications by reference (in the prefetch, through <c>_include</c>, or only as <c>Medication/{id}</c> on the server,
/// or nowhere), one bent resource in a prefetch, a draft order with a bent dose, a prefetch value whose Bundle cannot
/// be read at all.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RecordIntakeTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string Example = "order-sign-eligible.json";
    private const string Rx = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(JsonNode request)
    {
        await using var app = new FetchingApplication(fhir);
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);
        return (status, body);
    }

    private static JsonObject Medication(string id, string code, string display) => new()
    {
        ["resourceType"] = "Medication", ["id"] = id, ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = Rx, ["code"] = code, ["display"] = display }) },
    };

    private static JsonNode KetamineDraftByReference(JsonNode request, decimal mg)
    {
        var draft = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        draft.Remove("medicationCodeableConcept");
        draft["medicationReference"] = new JsonObject { ["reference"] = "Medication/ket50" };
        draft["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!["value"] = mg;
        return request;
    }

    private static List<string> Rules(JsonElement body) => [.. HttpJson.Rules(body)];

    private static string IncompleteDetail(JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().Where(c => c.GetProperty("summary").GetString()!.StartsWith("Checks incomplete", StringComparison.Ordinal))
            .Select(c => c.GetProperty("detail").GetString()!).SingleOrDefault() ?? "";

    [Fact]
    public async Task GivenAKetamineDraftByReferenceToAMedicationOnlyOnTheServer_WhenSigned_ThenTheMedicationIsReadAndTheDoseChecked()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Serve("/Medication/ket50", Medication("ket50", "6130", "ketamine").ToJsonString(), priority: 1);
        var request = KetamineDraftByReference(fhir.Request(Example), 84); // 1.2 mg/kg for 70 kg

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(fhir.Calls("/Medication/ket50")); // a cold host may hedge the read: counted by path
        Assert.Equal("critical", HttpJson.Indicator(body, "KET-36-CRIT"));
    }

    [Fact]
    public async Task GivenAnEctSessionOnlyOnTheServer_WhenSigned_ThenTheProceduresAreSearchedAndTheEctCardShown()
    {
        // The EHR prefetched what its registration asked for before ECT was a rule: no procedures key. The service searches.
        fhir.ServeExample(HttpJson.Example(Example));
        var ect = new JsonObject
        {
            ["resourceType"] = "Procedure", ["id"] = "ect1", ["status"] = "completed", ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["performedDateTime"] = "2026-11-24T08:00:00Z",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = "90870", ["display"] = "Electroconvulsive therapy" }) },
        };
        fhir.Serve("/Procedure", new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(new JsonObject { ["resource"] = ect }) }.ToJsonString(), priority: 1);
        var request = fhir.Request(Example, "procedures", "serviceRequests");

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("p1", fhir.Calls("/Procedure").First().RequestMessage.Query!["patient"].Single());
        Assert.NotEmpty(fhir.Calls("/ServiceRequest"));
        Assert.Equal("warning", HttpJson.Indicator(body, "KET-43-ECT"));
        Assert.DoesNotContain("procedures", IncompleteDetail(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAKetamineDraftByReferenceToAMedicationInThePrefetch_WhenSigned_ThenTheSameCardsAsACodedOrderAndNoRead()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var coded = fhir.Request(Example);
        coded["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!["value"] = 84;
        var referenced = KetamineDraftByReference(fhir.Request(Example), 84);
        referenced["prefetch"]!["medicationRequests"]!["entry"]!.AsArray().Add(new JsonObject
        {
            ["fullUrl"] = $"{fhir.BaseUrl}/Medication/ket50", ["resource"] = Medication("ket50", "6130", "ketamine"), ["search"] = new JsonObject { ["mode"] = "include" },
        });

        var (_, codedCards) = await Send(coded);
        var (status, referencedCards) = await Send(referenced);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Rules(codedCards), Rules(referencedCards));
        Assert.Contains("KET-36-CRIT", Rules(referencedCards));
        Assert.Empty(fhir.Calls());
    }

    [Fact]
    public async Task GivenOrdersFetchedWithTheirMedicationsIncluded_WhenSigned_ThenTheBenzodiazepineIsSeenWithoutASeparateRead()
    {
        var example = HttpJson.Example(Example);
        fhir.ServeExample(example);
        var orders = JsonNode.Parse(FhirServerFixture.Body(example, "medicationRequests"))!;
        orders["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "MedicationRequest", ["id"] = "lz1", ["status"] = "active", ["intent"] = "order", ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
                ["medicationReference"] = new JsonObject { ["reference"] = "Medication/lzp" },
            },
        });
        orders["entry"]!.AsArray().Add(new JsonObject { ["resource"] = Medication("lzp", "6470", "lorazepam"), ["search"] = new JsonObject { ["mode"] = "include" } });
        fhir.Server.Given(Request.Create().WithPath("/MedicationRequest").WithParam("_include", "MedicationRequest:medication").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(orders.ToJsonString()));

        var (status, body) = await Send(fhir.Request(Example, "medicationRequests"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("warning", HttpJson.Indicator(body, "KET-29"));
        Assert.Empty(fhir.Calls("/Medication/lzp"));
    }

    [Fact]
    public async Task GivenAnOrderByAReferenceNobodyCanResolveAndNoName_WhenSigned_ThenTheIncompleteCardNamesIt()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        fhir.Serve("/Medication/gone", """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}""", status: 404, priority: 1);
        var request = fhir.Request(Example);
        request["prefetch"]!["medicationRequests"]!["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "MedicationRequest", ["id"] = "mystery", ["status"] = "active", ["intent"] = "order", ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
                ["medicationReference"] = new JsonObject { ["reference"] = "Medication/gone" },
            },
        });

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(fhir.Calls("/Medication/gone"));
        Assert.Contains("MedicationRequest/mystery (Medication/gone)", IncompleteDetail(body), StringComparison.Ordinal);
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenOneBentObservationAmongThePrefetch_WhenSigned_ThenItIsSetAsideAndNamedAndTheRestAdvised()
    {
        var request = HttpJson.Example("order-sign-bp-crisis.json");
        var entries = request["prefetch"]!["observations"]!["entry"]!.AsArray();
        var weight = entries.Select((e, i) => (e, i)).First(x => (string)x.e!["resource"]!["code"]!["coding"]![0]!["code"]! == "29463-7");
        weight.e!["resource"]!["effectiveDateTime"] = "yesterday";

        await using var app = new KetamineCdsApplication();
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        // The BP crisis in the other observations still leads; the bent weight is named, element and reason.
        Assert.Equal("KET-13-CRIT", Rules(body)[0]);
        var id = (string)weight.e!["resource"]!["id"]!;
        Assert.Contains($"prefetch observations, entry {weight.i} (Observation/{id}): effectiveDateTime 'yesterday' is not a FHIR dateTime", IncompleteDetail(body), StringComparison.Ordinal);
        Assert.Empty(CardContract.Violations(body));
    }

    [Fact]
    public async Task GivenAKetamineDraftWhoseDoseIsWrittenAsText_WhenSigned_ThenTheDoseCheckSaysItCouldNotBeMadeNeverA500()
    {
        var request = HttpJson.Example(Example);
        request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!["value"] = "84";

        await using var app = new KetamineCdsApplication();
        var (status, body, _) = await HttpJson.PostAsync(app.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, status);
        var dose = body.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("extension").TryGetProperty("org.ketaminecds.rule", out var rule)
            && rule.GetString()!.StartsWith("KET-36-CRIT@", StringComparison.Ordinal));
        Assert.StartsWith("Check incomplete", dose.GetProperty("summary").GetString(), StringComparison.Ordinal);
        // Markdown escapes the brackets on the card; the clinician reads the element as written.
        Assert.Contains("dosageInstruction[0].doseAndRate[0].doseQuantity.value", dose.GetProperty("detail").GetString()!.Replace("\\", "", StringComparison.Ordinal),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAPrefetchBundleWhoseEntriesAreNotAList_WhenAFhirServerIsGiven_ThenTheKeyIsFetchedInstead()
    {
        fhir.ServeExample(HttpJson.Example(Example));
        var request = fhir.Request(Example);
        request["prefetch"]!["allergies"] = JsonNode.Parse("""{"resourceType":"Bundle","type":"searchset","entry":"none"}""");

        var (status, body) = await Send(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(fhir.Calls("/AllergyIntolerance"));
        Assert.DoesNotContain(body.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("incomplete", StringComparison.OrdinalIgnoreCase));
    }
}
