using System.Text.Json;
using System.Text.Json.Nodes;

namespace KetamineCds.Rules.Record;

/// <summary>
/// The dose written where STU3 had it: <c>dosageInstruction[].doseQuantity</c> (or <c>doseRange</c>, <c>rateQuantity</c>,
/// <c>rateRatio</c>, <c>rateRange</c>) on the Dosage itself. R4 moved them into <c>doseAndRate[]</c>, yet Epic's
/// CDS Hooks documentation still sends the dosage-level shape on R4 orders; read strictly, the element is unknown and
/// the dose is lost (a false "fewer than 2 adequate trials", an overdose read as "check incomplete"). Lifted into one
/// <c>doseAndRate</c> entry when the Dosage has none, so it is read by its meaning.
/// </summary>
internal static class DosageShapes
{
    private static readonly string[] DoseAndRateMembers = ["doseQuantity", "doseRange", "rateQuantity", "rateRatio", "rateRange"];

    /// <summary>The resource's JSON with dosage-level doses lifted into <c>doseAndRate</c>; null when it has none (the common case, no copy).</summary>
    public static byte[]? Lift(string type, JsonElement resource)
    {
        var list = type switch
        {
            "MedicationRequest" or "MedicationDispense" => "dosageInstruction",
            "MedicationStatement" => "dosage",
            _ => null,
        };
        if (list is null || !resource.TryGetProperty(list, out var dosages) || dosages.ValueKind != JsonValueKind.Array
            || !dosages.EnumerateArray().Any(NeedsLift))
        {
            return null;
        }

        var root = JsonNode.Parse(resource.GetRawText())!.AsObject();
        foreach (var dosage in root[list]!.AsArray().OfType<JsonObject>())
        {
            if (dosage.ContainsKey("doseAndRate"))
            {
                continue;
            }

            var entry = new JsonObject();
            foreach (var member in DoseAndRateMembers.Where(dosage.ContainsKey))
            {
                var value = dosage[member];
                dosage.Remove(member);
                entry[member] = value;
            }

            if (entry.Count > 0)
            {
                dosage["doseAndRate"] = new JsonArray(entry);
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    private static bool NeedsLift(JsonElement dosage) =>
        dosage.ValueKind == JsonValueKind.Object && !dosage.TryGetProperty("doseAndRate", out _)
        && DoseAndRateMembers.Any(m => dosage.TryGetProperty(m, out _));
}
