using System.Text.Json.Nodes;

namespace KetamineCds.Tests.Fuzzing;

/// <summary>
/// Bends one node of a CDS Hooks request at a time, the way real EHR data and integrations go wrong: a value of the
/// wrong JSON type, an object where a list is due and the reverse, absurd numbers, dates that are not dates, a lone
/// UTF-16 surrogate, an unknown resource type, nesting far too deep. Seeded, so a failing request can be made again
/// from its seed and number.
/// </summary>
public sealed class ShapeFuzzer(int seed)
{
    /// <summary>Where in the request the bent node sits.</summary>
    public enum Region
    {
        /// <summary>Inside one resource of a prefetch value: FHIR data, read entry by entry.</summary>
        PrefetchResource,

        /// <summary>Inside the draft order bundle.</summary>
        DraftOrders,

        /// <summary>Another member of <c>context</c> (patientId, userId, selections…).</summary>
        Context,

        /// <summary>A member of the body itself (hook, hookInstance, fhirServer, prefetch).</summary>
        Envelope,
    }

    public sealed record Mutant(int Number, string Example, Region Region, string Path, string Mutation, string Json)
    {
        /// <summary>For a bent prefetch resource: its key and entry index (the incomplete card names them).</summary>
        public (string Key, int Entry)? Entry { get; init; }
    }

    // Text that JsonNode cannot hold (an invalid UTF-16 string, nesting past its writer's depth, a number past double):
    // placed as a marker string and swapped into the JSON text.
    private const string LoneSurrogate = "\"__lone_surrogate__\"";
    private const string DeepNesting = "\"__deep_nesting__\"";
    private const string HugeNumber = "\"__huge_number__\"";

    private static readonly string[] Mutations =
        ["to string", "to number", "to boolean", "to null", "object to list", "list to object", "absurd number", "huge number", "negative number",
         "not a date", "impossible date", "lone surrogate", "unknown resource type", "deep nesting", "empty object", "empty list"];

    private readonly Random _random = new(seed);

    public Mutant Next(int number, IReadOnlyList<(string Name, JsonNode Request)> examples)
    {
        var (name, original) = examples[_random.Next(examples.Count)];
        var region = _random.NextDouble() switch
        {
            < 0.65 => Region.PrefetchResource,
            < 0.85 => Region.DraftOrders,
            < 0.97 => Region.Context,
            _ => Region.Envelope,
        };
        var request = original.DeepClone();
        var candidates = Nodes(request, region).ToList();
        if (candidates.Count == 0)
        {
            (region, candidates) = (Region.Context, Nodes(request, Region.Context).ToList());
        }

        var (parent, key, path, entry) = candidates[_random.Next(candidates.Count)];
        var mutation = Mutations[_random.Next(Mutations.Length)];
        var current = key is string property ? parent[property] : parent[(int)key];
        var replacement = Bend(current, mutation, path);
        if (key is string member)
        {
            parent.AsObject()[member] = replacement;
        }
        else
        {
            parent.AsArray()[(int)key] = replacement;
        }

        var json = request.ToJsonString()
            .Replace(LoneSurrogate, "\"\\ud800 lone\"", StringComparison.Ordinal)
            .Replace(DeepNesting, new string('[', 100) + "1" + new string(']', 100), StringComparison.Ordinal)
            .Replace(HugeNumber, "1e400", StringComparison.Ordinal);
        return new Mutant(number, name, region, path, mutation, json) { Entry = entry };
    }

    private JsonNode? Bend(JsonNode? node, string mutation, string path) => mutation switch
    {
        "to string" => JsonValue.Create(node is JsonValue v ? v.ToJsonString() : "text"),
        "to number" => JsonValue.Create(_random.Next(-5, 500)),
        "to boolean" => JsonValue.Create(_random.Next(2) == 0),
        "to null" => null,
        "object to list" => node is JsonObject ? new JsonArray(node.DeepClone()) : new JsonArray(node?.DeepClone()),
        "list to object" => node is JsonArray { Count: > 0 } list ? list[0]?.DeepClone() : new JsonObject { ["x"] = 1 },
        "absurd number" => JsonValue.Create(1e308),
        "huge number" => JsonValue.Create(HugeNumber.Trim('"')),
        "negative number" => JsonValue.Create(-999999),
        "not a date" => JsonValue.Create("yesterday"),
        "impossible date" => JsonValue.Create("2026-13-45T99:99:99Z"),
        "lone surrogate" => JsonValue.Create(LoneSurrogate.Trim('"')),
        "unknown resource type" => path.EndsWith("resourceType", StringComparison.Ordinal) ? JsonValue.Create("Nonsense") : new JsonObject { ["resourceType"] = "Nonsense", ["id"] = "x" },
        "deep nesting" => JsonValue.Create(DeepNesting.Trim('"')),
        "empty object" => new JsonObject(),
        _ => new JsonArray(),
    };

    /// <summary>Every node of a region, with its parent, its key (member name or index), its path, and for prefetch its key and entry.</summary>
    private static IEnumerable<(JsonNode Parent, object Key, string Path, (string Key, int Entry)? Entry)> Nodes(JsonNode request, Region region)
    {
        switch (region)
        {
            case Region.PrefetchResource:
                foreach (var (key, value) in request["prefetch"]?.AsObject() ?? [])
                {
                    if (value?["entry"] is JsonArray entries)
                    {
                        for (var i = 0; i < entries.Count; i++)
                        {
                            if (entries[i]?["resource"] is JsonObject resource)
                            {
                                foreach (var node in Walk(resource, $"prefetch.{key}.entry[{i}].resource"))
                                {
                                    yield return (node.Parent, node.Key, node.Path, (key, i));
                                }
                            }
                        }
                    }
                    else if (value is JsonObject single)
                    {
                        foreach (var node in Walk(single, $"prefetch.{key}"))
                        {
                            yield return (node.Parent, node.Key, node.Path, null);
                        }
                    }
                }

                break;
            case Region.DraftOrders:
                if (request["context"]?["draftOrders"] is JsonObject drafts)
                {
                    foreach (var node in Walk(drafts, "context.draftOrders"))
                    {
                        yield return (node.Parent, node.Key, node.Path, null);
                    }
                }

                break;
            case Region.Context:
                foreach (var (key, _) in request["context"]?.AsObject().Where(p => p.Key != "draftOrders").ToList() ?? [])
                {
                    yield return (request["context"]!, key, $"context.{key}", null);
                    if (request["context"]![key] is JsonArray items)
                    {
                        for (var i = 0; i < items.Count; i++)
                        {
                            yield return (items, i, $"context.{key}[{i}]", null);
                        }
                    }
                }

                break;
            default:
                foreach (var (key, _) in request.AsObject().Where(p => p.Key != "context").ToList())
                {
                    yield return (request, key, key, null);
                }

                break;
        }
    }

    private static IEnumerable<(JsonNode Parent, object Key, string Path)> Walk(JsonNode node, string path)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                yield return (obj, key, $"{path}.{key}");
                if (child is not null)
                {
                    foreach (var inner in Walk(child, $"{path}.{key}"))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                yield return (array, i, $"{path}[{i}]");
                if (array[i] is { } child)
                {
                    foreach (var inner in Walk(child, $"{path}[{i}]"))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
