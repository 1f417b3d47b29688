using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KetamineCds.Api.Cli;

/// <summary>Moves every FHIR date and dateTime in an example request by whole days, keeping ages and intervals.</summary>
public static partial class ExampleDates
{
    /// <summary>The day the bundled examples are written for (examples/build-examples.py; the tests pin their clock to it).</summary>
    public static readonly DateOnly WrittenFor = Preview.ExamplePatients.WrittenFor;

    public static void Shift(JsonNode node, int days)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue leaf && Moved(leaf, days) is { } moved)
                    {
                        obj[key] = moved;
                    }
                    else if (value is not null)
                    {
                        Shift(value, days);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue leaf && Moved(leaf, days) is { } moved)
                    {
                        array[i] = moved;
                    }
                    else if (array[i] is { } item)
                    {
                        Shift(item, days);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// A FHIR date (yyyy-MM-dd) or dateTime (yyyy-MM-ddThh:mm:ss…) moved by days, or null for any other value.
    /// Partial dates (yyyy, yyyy-MM) stay: a day shift does not apply to them.
    /// </summary>
    private static string? Moved(JsonValue value, int days)
    {
        if (!value.TryGetValue<string>(out var text) || FhirDay().Match(text) is not { Success: true } match)
        {
            return null;
        }

        var day = DateOnly.ParseExact(match.Groups["day"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
        return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + match.Groups["time"].Value;
    }

    [GeneratedRegex(@"^(?<day>\d{4}-\d{2}-\d{2})(?<time>T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirDay();
}
