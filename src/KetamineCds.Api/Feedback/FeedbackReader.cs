using System.Globalization;
using System.Text.Json;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Feedback;

/// <summary>Validates a feedback body against CDS Hooks 2.0 §Feedback (F-2, F-3); every problem is a 400 naming the item and field.</summary>
public static class FeedbackReader
{
    public const int MaxItems = 1000;

    public static List<FeedbackRecord> Read(JsonElement root, string serviceId, DateTimeOffset receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feedback", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestBodyException("The body must be an object with a 'feedback' array.");
        }

        if (items.GetArrayLength() is 0 or > MaxItems)
        {
            throw new InvalidRequestBodyException($"'feedback' must hold 1 to {MaxItems} items.");
        }

        var records = new List<FeedbackRecord>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var at = $"feedback[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestBodyException($"{at} must be an object.");
            }

            var card = Text(item, "card", at) ?? throw new InvalidRequestBodyException($"{at}.card (the card's uuid) is required.");
            if (!Guid.TryParse(card, out _))
            {
                throw new InvalidRequestBodyException($"{at}.card must be the uuid of a card.");
            }

            var outcome = Text(item, "outcome", at);
            if (outcome is not ("accepted" or "overridden"))
            {
                throw new InvalidRequestBodyException($"{at}.outcome must be 'accepted' or 'overridden'.");
            }

            var timestamp = Text(item, "outcomeTimestamp", at);
            if (timestamp is null || !timestamp.Contains('T', StringComparison.Ordinal)
                || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var outcomeAt)
                || !(timestamp.EndsWith('Z') || timestamp.LastIndexOfAny(['+', '-']) > timestamp.IndexOf('T', StringComparison.Ordinal)))
            {
                throw new InvalidRequestBodyException($"{at}.outcomeTimestamp is required as an RFC 3339 date-time with offset.");
            }

            string? accepted = null;
            if (outcome == "accepted")
            {
                if (!item.TryGetProperty("acceptedSuggestions", out var suggestions) || suggestions.ValueKind != JsonValueKind.Array || suggestions.GetArrayLength() == 0
                    || suggestions.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.Object || Text(s, "id", at) is null))
                {
                    throw new InvalidRequestBodyException($"{at}.acceptedSuggestions is required for 'accepted': a non-empty array of {{\"id\": suggestion uuid}}.");
                }

                accepted = string.Join(",", suggestions.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
            }

            string? system = null, code = null, display = null, comment = null;
            if (item.TryGetProperty("overrideReason", out var reason))
            {
                if (reason.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidRequestBodyException($"{at}.overrideReason must be an object.");
                }

                if (reason.TryGetProperty("reason", out var coding))
                {
                    code = Text(coding, "code", $"{at}.overrideReason.reason");
                    system = Text(coding, "system", $"{at}.overrideReason.reason");
                    display = Text(coding, "display", $"{at}.overrideReason.reason");
                    if (code is null || system is null)
                    {
                        throw new InvalidRequestBodyException($"{at}.overrideReason.reason needs code and system.");
                    }
                }

                comment = Text(reason, "userComment", $"{at}.overrideReason");
            }

            records.Add(new FeedbackRecord(TimeOrderedId.New(), receivedAt, serviceId, card, outcome, outcomeAt, accepted, system, code, display, comment));
        }

        return records;
    }

    private static string? Text(JsonElement parent, string name, string at)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()
            : throw new InvalidRequestBodyException($"{at}.{name} must be a non-empty string.");
    }
}
