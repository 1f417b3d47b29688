using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// A FHIR resource inside a card (a suggestion's create action), written by the Firely serializer straight into the
/// response: no detour through a string and a parsed JSON document for every suggestion of every call.
/// </summary>
/// <remarks>
/// CDS Hooks 1.0 clients read a delete action's target from <c>resource</c> as a reference string
/// ("MedicationRequest/123"); <see cref="ReferenceOnly"/> writes that form for EHR profiles that need it.
/// </remarks>
[JsonConverter(typeof(EmbeddedFhirResourceConverter))]
public sealed class EmbeddedFhirResource
{
    public EmbeddedFhirResource(Resource resource) => Resource = resource;

    private EmbeddedFhirResource(string reference) => Reference = reference;

    public Resource? Resource { get; }

    /// <summary>The 1.0 form of a delete action's target: a relative reference as a string.</summary>
    public string? Reference { get; }

    public static EmbeddedFhirResource ReferenceOnly(string reference) => new(reference);
}

public sealed class EmbeddedFhirResourceConverter : JsonConverter<EmbeddedFhirResource>
{
    public override EmbeddedFhirResource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return FhirJson.Parse(document.RootElement) is { } resource ? new EmbeddedFhirResource(resource) : null;
    }

    public override void Write(Utf8JsonWriter writer, EmbeddedFhirResource value, JsonSerializerOptions options)
    {
        if (value.Resource is { } resource)
        {
            FhirJson.Write(resource, writer);
        }
        else
        {
            writer.WriteStringValue(value.Reference);
        }
    }
}
