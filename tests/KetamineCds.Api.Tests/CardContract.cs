using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The CDS Hooks 2.0 card rules, checked on every response the tests receive: §Use of JSON (no null or empty
/// members, G-2), §Card attributes (uuid, summary under 140, indicator, source.label), suggestions with uuid and
/// selectionBehavior (C-9, C-10), actions (C-11), override reasons with display (C-12), links (C-13); and the
/// service's order of cards: critical, warning, info.
/// </summary>
public static class CardContract
{
    /// <param name="deprecatedDeleteForm">
    /// Whether a delete action may also name its target the 1.0 way, as a string in <c>resource</c> (deprecated in 2.0,
    /// not forbidden): what the service sends EHRs whose requests declare CDS Hooks 1.x.
    /// </param>
    public static IReadOnlyList<string> Violations(JsonElement response, bool deprecatedDeleteForm = false)
    {
        var problems = new List<string>();
        if (!response.TryGetProperty("cards", out var cards) || cards.ValueKind != JsonValueKind.Array)
        {
            return ["response has no cards array"];
        }

        NoNullOrEmpty(response, "$", problems, allowEmptyArrayAt: "$.cards");
        // The service's own rule on top of the spec: a clinician reads critical first, then warning, then info.
        var urgency = cards.EnumerateArray().Select(c => Array.IndexOf(["critical", "warning", "info"], Text(c, "indicator"))).ToList();
        if (!urgency.SequenceEqual(urgency.Order()))
        {
            problems.Add($"cards are not critical, then warning, then info: {string.Join(", ", cards.EnumerateArray().Select(c => Text(c, "indicator")))}");
        }

        var index = 0;
        foreach (var card in cards.EnumerateArray())
        {
            var at = $"cards[{index++}]";
            if (!Guid.TryParse(Text(card, "uuid"), out _)) problems.Add($"{at}.uuid is not a UUID");
            var summary = Text(card, "summary");
            if (string.IsNullOrWhiteSpace(summary) || summary.Length >= 140) problems.Add($"{at}.summary missing or not under 140 characters");
            if (Text(card, "indicator") is not ("info" or "warning" or "critical")) problems.Add($"{at}.indicator invalid");
            if (!card.TryGetProperty("source", out var source) || string.IsNullOrWhiteSpace(Text(source, "label"))) problems.Add($"{at}.source.label missing");
            if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty("url", out var url) && !Uri.IsWellFormedUriString(url.GetString(), UriKind.Absolute))
                problems.Add($"{at}.source.url is not absolute");

            if (card.TryGetProperty("suggestions", out var suggestions))
            {
                if (Text(card, "selectionBehavior") is not ("at-most-one" or "any")) problems.Add($"{at}: suggestions without a valid selectionBehavior");
                foreach (var suggestion in suggestions.EnumerateArray())
                {
                    if (string.IsNullOrWhiteSpace(Text(suggestion, "label"))) problems.Add($"{at}: suggestion without label");
                    if (!Guid.TryParse(Text(suggestion, "uuid"), out _)) problems.Add($"{at}: suggestion without uuid");
                    foreach (var action in suggestion.TryGetProperty("actions", out var actions) ? actions.EnumerateArray() : default)
                    {
                        var type = Text(action, "type");
                        if (type is not ("create" or "update" or "delete")) problems.Add($"{at}: action type '{type}'");
                        if (string.IsNullOrWhiteSpace(Text(action, "description"))) problems.Add($"{at}: action without description");
                        if (type == "delete" && (Text(action, "resourceId") is null
                            || (action.TryGetProperty("resource", out var target) && !(deprecatedDeleteForm && target.ValueKind == JsonValueKind.String && target.GetString() == Text(action, "resourceId")))))
                        {
                            problems.Add($"{at}: delete needs resourceId only");
                        }

                        if (type == "create" && !action.TryGetProperty("resource", out _)) problems.Add($"{at}: create needs a resource");
                    }
                }
            }

            foreach (var reason in card.TryGetProperty("overrideReasons", out var reasons) ? reasons.EnumerateArray() : default)
            {
                if (new[] { "system", "code", "display" }.Any(f => string.IsNullOrWhiteSpace(Text(reason, f)))) problems.Add($"{at}: override reason lacks system, code or display");
            }

            foreach (var link in card.TryGetProperty("links", out var links) ? links.EnumerateArray() : default)
            {
                if (Text(link, "type") is not ("absolute" or "smart") || string.IsNullOrWhiteSpace(Text(link, "label"))) problems.Add($"{at}: link invalid");
            }
        }

        return problems;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void NoNullOrEmpty(JsonElement element, string path, List<string> problems, string allowEmptyArrayAt)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                problems.Add($"{path} is null");
                break;
            case JsonValueKind.String when element.GetString()!.Length == 0:
                problems.Add($"{path} is an empty string");
                break;
            case JsonValueKind.Object:
                if (!element.EnumerateObject().Any()) problems.Add($"{path} is an empty object");
                foreach (var property in element.EnumerateObject())
                {
                    NoNullOrEmpty(property.Value, $"{path}.{property.Name}", problems, allowEmptyArrayAt);
                }

                break;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0 && path != allowEmptyArrayAt) problems.Add($"{path} is an empty array");
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    NoNullOrEmpty(item, $"{path}[{i++}]", problems, allowEmptyArrayAt);
                }

                break;
        }
    }
}
