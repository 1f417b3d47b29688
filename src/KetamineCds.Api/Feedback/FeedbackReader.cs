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

            // The spec's overrideReason, or Epic's overrideReasons (one object, or a list): the first reason is counted,
            // every one is stored. Unknown members, Epic's extension fields among them, are ignored (spec §Extensions).
            var reasons = OverrideReasons(item, at);
            var (system, code, display, comment) = reasons.Count > 0 ? reasons[0] : default;
            string? all = reasons.Count > 1
                ? JsonSerializer.Serialize(reasons.Select(r => new Dictionary<string, string?> { ["system"] = r.System, ["code"] = r.Code, ["display"] = r.Display, ["userComment"] = r.Comment }))
                : null;

            records.Add(new FeedbackRecord(TimeOrderedId.New(), receivedAt, serviceId, card, outcome, outcomeAt, accepted, system, code, display, comment)
            {
                AllReasons = all,
            });
        }

        return records;
    }

    /// <summary>Epic's acknowledgement reasons built in the EHR arrive as extension fields, not a coding (Epic CDS Hooks tutorial §Feedback).</summary>
    public const string EpicReasonSystem = "urn:com.epic.cdshooks.feedback.overrideReason.reasonCategory";

    private static List<(string? System, string? Code, string? Display, string? Comment)> OverrideReasons(JsonElement item, string at)
    {
        var reasons = new List<(string?, string?, string?, string?)>();
        if (item.TryGetProperty("overrideReason", out var reason) && reason.ValueKind != JsonValueKind.Null)
        {
            reasons.Add(OverrideReason(reason, $"{at}.overrideReason"));
        }

        if (item.TryGetProperty("overrideReasons", out var many) && many.ValueKind != JsonValueKind.Null)
        {
            if (many.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var one in many.EnumerateArray())
                {
                    reasons.Add(OverrideReason(one, $"{at}.overrideReasons[{index++}]"));
                }
            }
            else
            {
                reasons.Add(OverrideReason(many, $"{at}.overrideReasons"));
            }
        }

        return reasons;
    }

    private static (string? System, string? Code, string? Display, string? Comment) OverrideReason(JsonElement reason, string at)
    {
        if (reason.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException($"{at} must be an object.");
        }

        string? system = null, code = null, display = null;
        if (reason.TryGetProperty("reason", out var coding) && coding.ValueKind != JsonValueKind.Null)
        {
            code = Text(coding, "code", $"{at}.reason");
            system = Text(coding, "system", $"{at}.reason");
            display = Text(coding, "display", $"{at}.reason");
            if (code is null || system is null)
            {
                throw new InvalidRequestBodyException($"{at}.reason needs code and system.");
            }
        }
        else if (reason.TryGetProperty("extension", out var extension) && extension.ValueKind == JsonValueKind.Object)
        {
            // Epic: "com.epic.cdshooks.feedback.overrideReason.reasonCategory" (its code) and "…reasonDisplay".
            code = Lenient(extension, "com.epic.cdshooks.feedback.overrideReason.reasonCategory");
            display = Lenient(extension, "com.epic.cdshooks.feedback.overrideReason.reasonDisplay")
                ?? Lenient(extension, "com.epic.cdshooks.feedback.overrideReason.reasonTitle");
            system = code is null ? null : EpicReasonSystem;
            code ??= display; // a reason with words and no category is still counted by its words
            system ??= code is null ? null : EpicReasonSystem;
        }

        return (system, code, display, Text(reason, "userComment", at));
    }

    // An extension field read as text when it is a string or a number, else ignored: extensions never fail a request.
    private static string? Lenient(JsonElement parent, string name)
    {
        try
        {
            return parent.TryGetProperty(name, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String when value.GetString() is { Length: > 0 } text => text,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null;
        }
        catch (InvalidOperationException)
        {
            return null; // not valid Unicode (a lone surrogate)
        }
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
