using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

public static class HttpJson
{
    public static readonly IReadOnlyDictionary<string, string> ServiceForHook = new Dictionary<string, string>
    {
        ["order-select"] = "ketamine-order-select",
        ["order-sign"] = "ketamine-order-sign",
        ["patient-view"] = "ketamine-patient-view",
    };

    public static async Task<(HttpStatusCode Status, JsonElement Body, string ContentType)> PostAsync(HttpClient client, string service, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8, contentType);
        using var response = await client.PostAsync($"/cds-services/{service}", content);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, string ContentType)> PostAsync(HttpClient client, JsonNode request) =>
        PostAsync(client, ServiceForHook[(string)request["hook"]!], request.ToJsonString());

    public static JsonNode Example(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Examples, name)))!;

    public static IEnumerable<string> Rules(JsonElement response) =>
        response.GetProperty("cards").EnumerateArray()
            .Select(c => c.TryGetProperty("extension", out var e) && e.TryGetProperty("org.ketaminecds.rule", out var r) ? r.GetString()!.Split('@')[0] : "(none)");

    public static string Indicator(JsonElement response, string rule) =>
        response.GetProperty("cards").EnumerateArray()
            .First(c => c.TryGetProperty("extension", out var e) && e.GetProperty("org.ketaminecds.rule").GetString()!.StartsWith(rule + "@", StringComparison.Ordinal))
            .GetProperty("indicator").GetString()!;
}
