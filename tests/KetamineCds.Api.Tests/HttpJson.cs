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

    public static Task<(HttpStatusCode Status, JsonElement Body, string ContentType)> PostAsync(HttpClient client, string service, string json, string contentType = "application/json") =>
        SendAsync(client, $"/cds-services/{service}", json, bearer: null, contentType);

    /// <summary>POSTs JSON, optionally with the EHR's bearer token; the body is default when the answer is empty.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, string ContentType)> SendAsync(
        HttpClient client, string path, string json, string? bearer, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    /// <summary>A CDS Hooks feedback body for one card (spec §Feedback): accepted with a suggestion, or overridden with a reason.</summary>
    public static string Feedback(string card, string outcome, string? reason = null, string? suggestion = null, string? reasonDisplay = null)
    {
        var item = new JsonObject { ["card"] = card, ["outcome"] = outcome, ["outcomeTimestamp"] = "2026-11-26T10:05:00Z" };
        if (suggestion is not null)
        {
            item["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = suggestion });
        }

        if (reason is not null)
        {
            item["overrideReason"] = new JsonObject
            {
                ["reason"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes", ["code"] = reason, ["display"] = reasonDisplay ?? reason },
                ["userComment"] = "clinician's note",
            };
        }

        return new JsonObject { ["feedback"] = new JsonArray(item) }.ToJsonString();
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
