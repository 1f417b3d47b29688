using System.Text.Json;
using System.Text.Json.Serialization;

namespace KetamineCds.Api.CdsHooks;

// CDS Hooks 2.0 response and discovery shapes. Optional members are null when absent so they are omitted
// (spec §Use of JSON: optional elements without a value MUST be omitted, never null or empty).

public sealed record DiscoveryResponse(IReadOnlyList<CdsServiceDescription> Services);

public sealed record CdsServiceDescription(
    string Hook,
    string Title,
    string Description,
    string Id,
    IReadOnlyDictionary<string, string> Prefetch,
    string UsageRequirements)
{
    /// <summary>Reverse-domain extensions (spec §Extensions): the HTI-1 source attributes of the service's interventions.</summary>
    public IReadOnlyDictionary<string, InterventionAttributes>? Extension { get; init; }
}

public sealed record CdsResponse(IReadOnlyList<Card> Cards);

public sealed record Card
{
    public required string Uuid { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required string Indicator { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<Suggestion>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<CardCoding>? OverrideReasons { get; init; }
    public IReadOnlyList<CardLink>? Links { get; init; }
    /// <summary>Reverse-domain extension (spec §Extensions) carrying rule id@version and pack id@version for traceability.</summary>
    public IReadOnlyDictionary<string, string>? Extension { get; init; }
}

public sealed record CardSource(string Label, string? Url = null, CardCoding? Topic = null);

public sealed record CardCoding(string System, string Code, string? Display = null);

public sealed record CardLink(string Label, string Url, string Type);

public sealed record Suggestion
{
    public required string Label { get; init; }
    public required string Uuid { get; init; }
    public bool? IsRecommended { get; init; }
    public IReadOnlyList<SuggestionAction>? Actions { get; init; }
}

public sealed record SuggestionAction
{
    public required string Type { get; init; }
    public required string Description { get; init; }
    public string? ResourceId { get; init; }
    public EmbeddedFhirResource? Resource { get; init; }
}

/// <summary>The request shape, for the OpenAPI document only; the handler parses the body itself to report precise errors.</summary>
public sealed record CdsRequestDocument(
    string Hook,
    string HookInstance,
    string? FhirServer,
    JsonElement? FhirAuthorization,
    JsonElement Context,
    JsonElement? Prefetch);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(CdsResponse))]
[JsonSerializable(typeof(Card))]
public sealed partial class CdsJsonContext : JsonSerializerContext;
