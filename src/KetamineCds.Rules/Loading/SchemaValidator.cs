using System.Text.Json.Nodes;
using Json.Schema;

namespace KetamineCds.Rules.Loading;

/// <summary>Validates a file's JSON tree against one of the pack's embedded JSON Schemas and lists every failure.</summary>
internal sealed class SchemaValidator
{
    private static readonly Lazy<SchemaValidator> RuleFileInstance = new(() => new SchemaValidator("rule-file.schema.json"));
    private static readonly Lazy<SchemaValidator> PackInstance = new(() => new SchemaValidator("pack.schema.json"));
    private static readonly Lazy<SchemaValidator> DoseTableInstance = new(() => new SchemaValidator("dose-table.schema.json"));

    private readonly JsonSchema _schema;

    private SchemaValidator(string name)
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream($"schema/{name}")
            ?? throw new InvalidOperationException($"Embedded schema {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        _schema = JsonSchema.FromText(reader.ReadToEnd());
    }

    public static SchemaValidator RuleFile => RuleFileInstance.Value;
    public static SchemaValidator Pack => PackInstance.Value;
    public static SchemaValidator DoseTable => DoseTableInstance.Value;

    /// <summary>(JSON pointer, message) for each leaf failure; empty when the document is valid.</summary>
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

            foreach (var (keyword, message) in detail.Errors)
            {
                failures.Add((detail.InstanceLocation.ToString(), $"{message} ({keyword})"));
            }
        }

        // A failure under "anyOf"-style keywords repeats at each level; keep each pointer/message once.
        return failures.Distinct().ToList();
    }
}
