using System.Runtime.InteropServices;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// FHIR JSON in and out, parsed as the engine's <see cref="FhirParsing"/> says (Ostrich mode: the same for live calls
/// and for the pack's test cases).
/// </summary>
public static class FhirJson
{
    private static FhirJsonDeserializer Deserializer => FhirParsing.Deserializer;
    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>Parses a resource embedded in a request; throws <see cref="FormatException"/> when it is not FHIR at all.</summary>
    public static Resource? Parse(JsonElement element)
    {
        // Read the element's own UTF-8 bytes in place: no re-serialisation, no copy of a large prefetch bundle.
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(element));
        try
        {
            Deserializer.TryDeserializeResource(ref reader, out var resource, out _);
            return resource;
        }
        catch (Exception ex) when (ex is JsonException or DeserializationFailedException or CodedException or InvalidCastException or InvalidOperationException or ArgumentException)
        {
            // Ostrich mode tolerates odd elements, but not a structure that is not FHIR (an "entry" that is a number).
            throw new FormatException("not a FHIR resource", ex);
        }
    }

    /// <summary>Parses a FHIR server's answer; null when it is not JSON or not a FHIR resource.</summary>
    public static Resource? Parse(string json)
    {
        try
        {
            Deserializer.TryDeserializeResource(json, out var resource, out _);
            return resource;
        }
        catch (Exception ex) when (ex is JsonException or DeserializationFailedException or FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc cref="FhirParsing.Flatten"/>
    public static IEnumerable<Resource> Flatten(Resource? resource) => FhirParsing.Flatten(resource);

    /// <summary>Writes the resource as FHIR JSON into a writer that is producing a larger document.</summary>
    public static void Write(Resource resource, Utf8JsonWriter writer) => Serializer.Serialize(resource, writer);
}
