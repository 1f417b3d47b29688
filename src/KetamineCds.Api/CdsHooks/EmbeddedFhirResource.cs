using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// A FHIR resource inside a card (a suggestion's create action), written by the Firely serializer straight into the
/// response: no detour through a string and a parsed JSON document for every suggestion of every call.
/// </summary>
[JsonConverter(typeof(EmbeddedFhirResourceConverter))]
public sealed class EmbeddedFhirResource(Resource resource)
{
    public Resource Resource { get; } = resource;
}

public sealed class EmbeddedFhirResourceConverter : JsonConverter<EmbeddedFhirResource>
{
    public override EmbeddedFhirResource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return FhirJson.Parse(document.RootElement) is { } resource ? new EmbeddedFhirResource(resource) : null;
    }

    public override void Write(Utf8JsonWriter writer, EmbeddedFhirResource value, JsonSerializerOptions options) =>
        FhirJson.Write(value.Resource, writer);
}
