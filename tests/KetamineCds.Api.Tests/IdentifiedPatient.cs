using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>Identifiers distinctive enough to search for in logs, metrics and spans: any hit is a leak.</summary>
public static class IdentifiedPatient
{
    public const string PatientId = "pt-7c4e1d";
    public const string Mrn = "MRN-558213";
    public const string Family = "Quixotovna";
    public const string BirthDate = "1971-03-09";
    public const string Token = "tok-SECRET-9f8e2a";

    public static readonly string[] Secrets = [PatientId, Mrn, Family, "Alex", BirthDate, Token];

    /// <summary>An example request with these distinctive identifiers in place of the short ones of the examples.</summary>
    public static JsonNode Apply(JsonNode request)
    {
        var text = request.ToJsonString()
            .Replace("\"p1\"", $"\"{PatientId}\"", StringComparison.Ordinal)
            .Replace("Patient/p1", $"Patient/{PatientId}", StringComparison.Ordinal)
            .Replace("1980-04-12", BirthDate, StringComparison.Ordinal)
            .Replace("1994-02-02", BirthDate, StringComparison.Ordinal)
            .Replace("\"Example\"", $"\"{Family}\"", StringComparison.Ordinal);
        var node = JsonNode.Parse(text)!;
        if (node["prefetch"]?["patient"] is JsonObject patient)
        {
            patient["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:mrn", ["value"] = Mrn });
        }

        return node;
    }
}
