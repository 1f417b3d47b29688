using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;

namespace KetamineCds.Api.Preview;

/// <summary>An example patient for the preview: the prefetch and draft orders of a bundled example request.</summary>
public sealed record ExamplePatient(string Id, string Hook, IReadOnlyList<Resource> Resources);

/// <summary>
/// The example requests shipped beside the binary (<c>examples/requests/*.json</c>, synthetic patients), offered on
/// the preview page so an admin can try a rule change without bringing patient data.
/// </summary>
public sealed class ExamplePatients
{
    /// <summary>The day the bundled examples are written for (examples/build-examples.py; the tests pin their clock to it).</summary>
    public static readonly DateOnly WrittenFor = new(2026, 11, 26);

    private readonly string _folder;

    public ExamplePatients() : this(Path.Combine(AppContext.BaseDirectory, "examples", "requests"))
    {
    }

    public ExamplePatients(string folder) => _folder = folder;

    public IReadOnlyList<(string Id, string Hook)> List() =>
        !Directory.Exists(_folder) ? []
        : Directory.EnumerateFiles(_folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileNameWithoutExtension(path), Hook: HookOf(path)))
            .ToList();

    /// <summary>The example request's text by id, or null for an unknown id (nothing outside the folder is read).</summary>
    public string? Read(string id) =>
        List().Any(e => e.Id == id) ? File.ReadAllText(Path.Combine(_folder, $"{id}.json")) : null;

    /// <summary>The example by id, or null for an unknown id (ids are file names; nothing outside the folder is read).</summary>
    public ExamplePatient? Find(string id)
    {
        var known = List().FirstOrDefault(e => e.Id == id);
        if (known.Id is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, $"{known.Id}.json")));
        var root = document.RootElement;
        var resources = new List<Resource>();
        if (root.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in prefetch.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                resources.AddRange(FhirJson.Flatten(FhirJson.Parse(entry.Value)));
            }
        }

        if (root.TryGetProperty("context", out var context) && context.TryGetProperty("draftOrders", out var drafts))
        {
            resources.AddRange(FhirJson.Flatten(FhirJson.Parse(drafts)));
        }

        return new ExamplePatient(known.Id, known.Hook, resources);
    }

    private static string HookOf(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.TryGetProperty("hook", out var hook) ? hook.GetString() ?? "" : "";
    }
}
