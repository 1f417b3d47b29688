using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Between a FHIR element path as the Firely SDK reports it (<c>MedicationRequest.dosageInstruction[0].doseAndRate[0].dose.value</c>,
/// choice types without their suffix) and the JSON as the EHR wrote it (<c>dosageInstruction[0].doseAndRate[0].doseQuantity.value</c>):
/// naming the element an admin or integrator will find in their data, and wrapping a single object sent where R4
/// has a list into a list of one (the CDS Hooks Sandbox sends <c>category</c> so, in its STU3 shape).
/// </summary>
internal static partial class EntryRepair
{
    /// <summary>The element as written in the JSON, or the FHIR path itself when the JSON does not have it.</summary>
    public static string JsonPathOf(JsonElement resource, string fhirPath)
    {
        var steps = Steps(fhirPath);
        var current = resource;
        var written = new List<string>();
        foreach (var (name, index) in steps)
        {
            if (current.ValueKind != JsonValueKind.Object || FindProperty(current, name) is not { } property)
            {
                return string.Join('.', written.Append(string.Join('.', steps.Skip(written.Count).Select(s => s.Index is { } i ? $"{s.Name}[{i}]" : s.Name))));
            }

            var value = current.GetProperty(property);
            if (index is { } i && value.ValueKind == JsonValueKind.Array)
            {
                written.Add($"{property}[{i}]");
                current = i < value.GetArrayLength() ? value[i] : default;
            }
            else
            {
                written.Add(property);
                current = value;
            }
        }

        return string.Join('.', written);
    }

    /// <summary>
    /// The resource's JSON with each element Firely reported at the wrong cardinality fixed: a single value where a
    /// list is due wrapped into a list of one (<c>Wrap</c>), a list of one where a single value is due unwrapped. Null
    /// when a path cannot be found or a list holds more than one value.
    /// </summary>
    public static byte[]? FixListShapes(ReadOnlySpan<byte> json, IEnumerable<(string Path, bool Wrap)> fixes)
    {
        var root = JsonNode.Parse(json);
        foreach (var (path, wrap) in fixes)
        {
            if (Locate(root, path) is not (JsonObject parent, string property, _))
            {
                return null;
            }

            var value = parent[property];
            if (wrap && value is not JsonArray)
            {
                parent[property] = null;
                parent[property] = new JsonArray(value);
            }
            else if (!wrap && value is JsonArray { Count: 1 } one)
            {
                var member = one[0];
                one.RemoveAt(0);
                parent[property] = member;
            }
            else if (!wrap)
            {
                return null;
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary>
    /// The resource's JSON without the elements at <paramref name="fhirPaths"/> (an array member, or an object's
    /// member): what is left of a draft order once its bent elements are taken out, so the rest can be read safely.
    /// Null when a path cannot be found.
    /// </summary>
    public static byte[]? Remove(ReadOnlySpan<byte> json, IEnumerable<string> fhirPaths)
    {
        var root = JsonNode.Parse(json);
        foreach (var path in fhirPaths)
        {
            if (Locate(root, path) is not (JsonObject parent, string property, var last))
            {
                return null;
            }

            if (last.Index is { } index && parent[property] is JsonArray array && index < array.Count)
            {
                array.RemoveAt(index);
            }
            else
            {
                parent.Remove(property);
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary>
    /// The JSON path of the first string that is not valid Unicode text (a lone UTF-16 surrogate), as the Firely SDK
    /// writes paths (<c>Observation.code.text</c>); null when every string reads.
    /// </summary>
    public static string? InvalidText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return RawFhir.TryString(element) is null ? path : null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (InvalidText(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = member.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }

                    if (InvalidText(member.Value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The object holding the element at a FHIR path, the element's name as written, and the path's last step; null when not found.</summary>
    private static (JsonObject Parent, string Property, (string Name, int? Index) Last)? Locate(JsonNode? root, string fhirPath)
    {
        var steps = Steps(fhirPath);
        if (steps.Count == 0)
        {
            return null;
        }

        var current = root;
        for (var s = 0; s < steps.Count - 1; s++)
        {
            current = Step(current, steps[s]);
        }

        return current is JsonObject parent && FindProperty(parent, steps[^1].Name) is { } property ? (parent, property, steps[^1]) : null;
    }

    private static JsonNode? Step(JsonNode? node, (string Name, int? Index) step)
    {
        if (node is not JsonObject parent || FindProperty(parent, step.Name) is not { } property)
        {
            return null;
        }

        var value = parent[property];
        return step.Index is { } i && value is JsonArray array ? (i < array.Count ? array[i] : null) : value;
    }

    /// <summary>"MedicationRequest.dosageInstruction[0].dose" → (dosageInstruction, 0), (dose, null): the resource type dropped.</summary>
    private static List<(string Name, int? Index)> Steps(string fhirPath) =>
        [.. fhirPath.Split('.').Skip(1).Select(step => Indexed().Match(step) is { Success: true } m
            ? (m.Groups[1].Value, (int?)int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : (step, null))];

    // A choice element is written with its type: "effective" is "effectiveDateTime", "dose" is "doseQuantity".
    private static string? FindProperty(JsonElement element, string name)
    {
        if (element.TryGetProperty(name, out _))
        {
            return name;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (IsChoiceOf(property.Name, name))
            {
                return property.Name;
            }
        }

        return null;
    }

    private static string? FindProperty(JsonObject element, string name) =>
        element.ContainsKey(name) ? name : element.Select(p => p.Key).FirstOrDefault(key => IsChoiceOf(key, name));

    private static bool IsChoiceOf(string written, string name) =>
        written.Length > name.Length && written.StartsWith(name, StringComparison.Ordinal) && char.IsUpper(written[name.Length]);

    [GeneratedRegex(@"^(\w+)\[(\d+)\]$")]
    private static partial Regex Indexed();
}
