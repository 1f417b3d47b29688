using System.Runtime.InteropServices;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// FHIR JSON in and out. Parsing uses Ostrich mode on purpose: EHR data carries local extensions and minor
/// deviations, and one odd element must not discard a patient's whole record (design §Data access: parsing is the
/// dominant cost; Ostrich is ~4x faster than the validating mode). Resource types are still checked by the callers.
/// </summary>
public static class FhirJson
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));
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

    /// <summary>The resources of a searchset or collection Bundle, or the resource itself.</summary>
    /// <exception cref="FormatException">The bundle's structure is broken (Firely reports data it could not bind when it is read).</exception>
    public static IEnumerable<Resource> Flatten(Resource? resource)
    {
        try
        {
            return resource switch
            {
                null => [],
                Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Resource>().Where(r => r is not OperationOutcome).ToList(),
                _ => [resource],
            };
        }
        catch (CodedException ex)
        {
            throw new FormatException("not a valid FHIR Bundle", ex);
        }
    }

    /// <summary>Writes the resource as FHIR JSON into a writer that is producing a larger document.</summary>
    public static void Write(Resource resource, Utf8JsonWriter writer) => Serializer.Serialize(resource, writer);
}
