using System.Text.Json.Nodes;

namespace KetamineCds.Benchmarks;

/// <summary>
/// Builds order-sign requests of a chosen size from the Synthea bundles in tests/third-party/fhir-patients: one
/// patient, and the conditions, observations, medications and allergies of as many bundles as it takes, re-pointed
/// at that patient with unique ids, grouped into the service's prefetch keys, plus a draft ketamine order.
/// </summary>
public static class RequestCorpus
{
    private static readonly Dictionary<string, string> KeyOf = new()
    {
        ["Condition"] = "conditions", ["Observation"] = "observations", ["MedicationRequest"] = "medicationRequests",
        ["AllergyIntolerance"] = "allergies", ["MedicationStatement"] = "medicationStatements",
        ["MedicationAdministration"] = "medicationAdministrations", ["MedicationDispense"] = "medicationDispenses",
    };

    public static string OrderSign(int resourceCount)
    {
        var folder = Path.Combine(FindRoot(), "tests", "third-party", "fhir-patients", "synthea-smart-r4");
        var bundles = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        JsonObject? patient = null;
        var prefetch = new JsonObject();
        foreach (var key in KeyOf.Values.Distinct())
        {
            prefetch[key] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() };
        }

        var added = 1;
        for (var round = 0; added < resourceCount; round++)
        {
            foreach (var file in bundles)
            {
                foreach (var entry in JsonNode.Parse(File.ReadAllText(file))!["entry"]!.AsArray())
                {
                    var resource = entry!["resource"]!.AsObject();
                    var type = (string)resource["resourceType"]!;
                    if (type == "Patient")
                    {
                        patient ??= (JsonObject)resource.DeepClone();
                        continue;
                    }

                    if (!KeyOf.TryGetValue(type, out var key) || added >= resourceCount)
                    {
                        continue;
                    }

                    var copy = (JsonObject)resource.DeepClone();
                    copy["id"] = $"{copy["id"]}-{round}";
                    prefetch[key]!["entry"]!.AsArray().Add(new JsonObject { ["resource"] = copy });
                    added++;
                }
            }
        }

        prefetch["patient"] = patient;
        var order = JsonNode.Parse("""
            {"resourceType":"MedicationRequest","id":"ket-bench","status":"draft","intent":"order",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6130","display":"ketamine"}]},
             "dosageInstruction":[{"timing":{"repeat":{"duration":40,"durationUnit":"min"}},"doseAndRate":[{"doseQuantity":{"value":35,"unit":"mg","code":"mg"}}]}]}
            """);
        var request = new JsonObject
        {
            ["hook"] = "order-sign",
            ["hookInstance"] = "3f1c2a10-8a55-4a4c-9d7e-2b1f0c6d9e01",
            ["context"] = new JsonObject
            {
                ["userId"] = "Practitioner/bench",
                ["patientId"] = (string)patient!["id"]!,
                ["draftOrders"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = new JsonArray(new JsonObject { ["resource"] = order }) },
            },
            ["prefetch"] = prefetch,
        };
        return request.ToJsonString();
    }

    public static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KetamineCds.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }
}
