using System.Text.Json.Nodes;
using Json.Schema;

namespace KetamineCds.Rules.Loading;

/// <summary>Validates a file's JSON tree against one of the pack's embedded JSON Schemas and lists every failure.</summary>
internal sealed class SchemaValidator
{
    private static readonly Lazy<SchemaValidator> RuleFileInstance = new(() => new SchemaValidator("rule-file.schema.json"));
    private static readonly Lazy<SchemaValidator> PackInstance = new(() => new SchemaValidator("pack.schema.json"));
    private static readonly Lazy<SchemaValidator> DoseTableInstance = new(() => new SchemaValidator("dose-table.schema.json"));
    private static readonly Lazy<SchemaValidator> EquivalenceTableInstance = new(() => new SchemaValidator("equivalence-table.schema.json"));

    private readonly JsonSchema _schema;
    private readonly JsonNode _document;

    private SchemaValidator(string name)
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream($"schema/{name}")
            ?? throw new InvalidOperationException($"Embedded schema {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        _schema = JsonSchema.FromText(text);
        _document = JsonNode.Parse(text)!;
    }

    public static SchemaValidator RuleFile => RuleFileInstance.Value;
    public static SchemaValidator Pack => PackInstance.Value;
    public static SchemaValidator DoseTable => DoseTableInstance.Value;
    public static SchemaValidator EquivalenceTable => EquivalenceTableInstance.Value;

    /// <summary>
    /// (JSON pointer, message) for each leaf failure, in plain words: the wrong value and what is allowed, with the
    /// nearest valid name where one is close ("indicator 'severe' is not one of info, warning, critical"). Empty when
    /// the document is valid.
    /// </summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(JsonNode? document)
    {
        var results = _schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var failures = new List<(string, string)>();
        foreach (var detail in results.Details)
        {
            if (detail.Errors is null)
            {
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            // The evaluation path, followed through each $ref, names the schema node whatever the validator's base URIs.
            var schemaNode = Follow(detail.EvaluationPath.ToString());
            foreach (var (keyword, message) in detail.Errors)
            {
                failures.Add((pointer, SchemaMessages.Plain(keyword, message, pointer, Resolve(document, pointer), schemaNode, ParentSchema(detail))));
            }
        }

        // A failure under "anyOf"-style keywords repeats at each level; keep each pointer/message once.
        return failures.Distinct().ToList();
    }

    // The schema object whose keyword failed: the path names the keyword's own node (…/enum), or the object itself.
    private JsonNode? ParentSchema(EvaluationResults detail)
    {
        var path = detail.EvaluationPath.ToString();
        return Follow(path) is JsonObject node ? node : Follow(path[..Math.Max(0, path.LastIndexOf('/'))]);
    }

    // "/properties/rules/items/$ref/properties/hooks/items" in the schema document, jumping at each $ref to its target.
    private JsonNode? Follow(string evaluationPath)
    {
        JsonNode? node = _document;
        foreach (var raw in evaluationPath.TrimStart('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var step = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = step == "$ref" && node?["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith('#')
                ? Resolve(_document, target[1..])
                : node is JsonObject o ? o[step] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The node a JSON pointer names in a document, or null.</summary>
    internal static JsonNode? Resolve(JsonNode? node, string pointer)
    {
        if (pointer.Length == 0)
        {
            return node;
        }

        foreach (var raw in pointer.TrimStart('/').Split('/'))
        {
            var step = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[step],
                JsonArray a when int.TryParse(step, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
