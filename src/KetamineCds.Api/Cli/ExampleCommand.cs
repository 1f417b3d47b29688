using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KetamineCds.Api.Preview;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds example NAME</c> prints a bundled example request with its dates moved to today, so rules that
/// look back ("BP in the last 30 days") read it as the day it was written for, whenever it is tried. The files in
/// <c>examples/requests/</c> keep their fixed dates for the tests that pin the clock.
/// </summary>
public static class ExampleCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "The example's file name without .json; none lists them", Arity = ArgumentArity.ZeroOrOne };
        var asOf = new Option<string?>("--as-of") { Description = "The day to move the example to (yyyy-MM-dd); default today (UTC)" };
        var example = new Command("example", "Print a bundled example request with its dates moved to today (for curl -d @-)") { name, asOf };
        example.SetAction(parse => Print(new ExamplePatients(), parse.GetValue(name), parse.GetValue(asOf), TimeProvider.System));
        return example;
    }

    private static int Print(ExamplePatients examples, string? name, string? asOf, TimeProvider time)
    {
        if (name is null)
        {
            foreach (var (id, hook) in examples.List())
            {
                Console.WriteLine($"{id}\t{hook}");
            }

            return 0;
        }

        if (examples.Read(name) is not { } text)
        {
            Console.Error.WriteLine($"no example '{name}'; known: {string.Join(", ", examples.List().Select(e => e.Id))}");
            return 2;
        }

        DateOnly target;
        if (asOf is null)
        {
            target = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        }
        else if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out target))
        {
            Console.Error.WriteLine($"--as-of '{asOf}' is not a date (yyyy-MM-dd)");
            return 2;
        }

        var request = JsonNode.Parse(text)!;
        ExampleDates.Shift(request, target.DayNumber - ExampleDates.WrittenFor.DayNumber);
        // A real EHR sends a new hookInstance with every call.
        request["hookInstance"] = Guid.NewGuid().ToString();
        Console.WriteLine(request.ToJsonString(Indented));
        return 0;
    }
}
