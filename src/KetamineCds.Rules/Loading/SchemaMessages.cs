using System.Globalization;
using System.Text.Json.Nodes;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// A JSON Schema failure in the words an admin needs: which field, the wrong value, what is allowed, and the nearest
/// valid name when the value looks like a typo. The validator's own message is kept only for keywords not worded here.
/// </summary>
internal static class SchemaMessages
{

    public static string Plain(string keyword, string message, string pointer, JsonNode? value, JsonNode? failedNode, JsonNode? schema)
    {
        var field = Field(pointer);
        var shown = Show(value);
        switch (keyword)
        {
            case "enum" when Strings(schema?["enum"] ?? failedNode) is { Count: > 0 } allowed:
                return $"{field} {shown} is not one of {string.Join(", ", allowed)}{Nearest.Suggest(Text(value), allowed)}";
            case "required" when (schema?["required"] is JsonArray):
                return $"{(pointer.Length == 0 ? "the file" : field)} is missing {Missing(schema, value)} (required)";
            case "" or "false" when message.Contains("false schema", StringComparison.Ordinal):
                // additionalProperties: false reports the stray member itself.
                return $"'{field}' is not a field here{Nearest.Suggest(field, Siblings(pointer, schema))}";
            case "additionalProperties":
                return $"{field} has a field that is not allowed here";
            case "pattern":
                return $"{field} {shown} does not have the expected form{(schema?["pattern"] is { } pattern ? $" (pattern {pattern.GetValue<string>()})" : "")}"
                    + (schema?["description"] is { } description ? $": {description.GetValue<string>()}" : "");
            case "type":
                return $"{field} is {Kind(value)}; it must be {Types(schema?["type"])}";
            case "minLength":
                return $"{field} {shown} is too short (at least {schema?["minLength"]} characters)";
            case "maxLength":
                return $"{field} {shown} is too long (at most {schema?["maxLength"]} characters)";
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                return $"{field} {shown} is out of range ({keyword} {schema?[keyword]})";
            case "minItems":
                return $"{field} needs at least {schema?["minItems"]} item(s)";
            case "format":
                return $"{field} {shown} is not a valid {schema?["format"]}";
            default:
                return $"{field}: {message} ({keyword})";
        }
    }

    private static string Missing(JsonNode? schema, JsonNode? value) =>
        string.Join(", ", ((JsonArray)schema!["required"]!).Select(r => r!.GetValue<string>())
            .Where(r => (value as JsonObject)?.ContainsKey(r) != true).Select(m => $"'{m}'"));

    // "/rules/0/card/indicator" → "indicator"; a list item → its list's name with the index.
    private static string Field(string pointer)
    {
        var steps = pointer.TrimStart('/').Split('/');
        var last = steps[^1];
        return int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out _) && steps.Length > 1 ? $"{steps[^2]}[{last}]" : last;
    }

    private static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";

    private static string Show(JsonNode? value) => value is null ? "(empty)" : value is JsonValue v && v.TryGetValue<string>(out var s) ? $"'{s}'" : value.ToJsonString();

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : e?.ToJsonString() ?? "null")] : [];

    private static string Kind(JsonNode? value) => value switch
    {
        null => "empty",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v when v.TryGetValue<string>(out _) => "text",
        JsonValue v when v.TryGetValue<bool>(out _) => "true/false",
        _ => "a number",
    };

    private static string Types(JsonNode? type) => type switch
    {
        JsonArray many => string.Join(" or ", many.Select(t => Describe(t!.GetValue<string>()))),
        JsonValue one => Describe(one.GetValue<string>()),
        _ => "another type",
    };

    private static string Describe(string type) => type switch
    {
        "string" => "text",
        "object" => "an object",
        "array" => "a list",
        "boolean" => "true or false",
        "integer" => "a whole number",
        _ => "a number",
    };

    // The fields the parent object allows, for a stray member's "did you mean".
    private static IEnumerable<string> Siblings(string pointer, JsonNode? schema) =>
        (schema?["properties"] as JsonObject)?.Select(p => p.Key) ?? [];
}
