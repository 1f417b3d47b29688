using System.CommandLine;
using System.Globalization;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Preview;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds rules explain --hook order-sign --patient bundle.json [--at 2026-01-01]</c> (or
/// <c>--example NAME</c> for a bundled example patient): the preview page in the terminal. The cards the EHR would get, then every rule's outcome, why, and the data it looked at.
/// </summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var hook = new Option<string>("--hook") { Description = "order-select, order-sign or patient-view", DefaultValueFactory = _ => "order-sign" };
        hook.AcceptOnlyFromAmong([.. RulePreview.Hooks]);
        var patient = new Option<FileInfo?>("--patient") { Description = "A FHIR Bundle (or one resource) with the patient's record; draft MedicationRequests in it are the orders" };
        var example = new Option<string?>("--example") { Description = "A bundled example request (see 'example') instead of --patient: its prefetch and draft orders" };
        var at = new Option<string?>("--at") { Description = "Evaluate as of this date or instant (default: now)" };
        var folder = new Option<string>("--rules") { Description = "The rule pack folder", DefaultValueFactory = _ => "rules" };
        var explain = new Command("explain", "Show the cards and the trace of every rule for one patient") { hook, patient, example, at, folder };
        explain.Validators.Add(result =>
        {
            if ((result.GetValue(patient) is null) == (result.GetValue(example) is null))
            {
                result.AddError("give either --patient FILE or --example NAME");
            }
        });
        explain.SetAction(parse => Run(parse.GetValue(folder)!, parse.GetValue(hook)!, parse.GetValue(patient), parse.GetValue(example), parse.GetValue(at)));
        return explain;
    }

    private static int Run(string folder, string hook, FileInfo? patient, string? example, string? atText)
    {
        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
            return 1;
        }

        if (ReadRecord(patient, example) is not { } resources)
        {
            return 2;
        }

        var at = TimeProvider.System.GetUtcNow();
        if (atText is not null && !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
        {
            Console.Error.WriteLine($"--at '{atText}' is not a date");
            return 2;
        }

        var outcome = RulePreview.Evaluate(loaded.Pack!, hook, resources, at);
        Console.WriteLine($"{outcome.Pack.Label} · {hook} at {at:yyyy-MM-dd HH:mm}Z");
        if (outcome.DraftOrderAssumed)
        {
            Console.WriteLine("No draft order in the bundle: evaluated with ketamine 35 mg IV over 40 min.");
        }

        Console.WriteLine();
        Console.WriteLine(outcome.Cards.Count == 0 ? "No cards." : $"{outcome.Cards.Count} card(s):");
        foreach (var card in outcome.Cards)
        {
            Console.WriteLine($"  [{card.Indicator.ToUpperInvariant()}] {card.Summary}");
            Console.WriteLine($"      source: {card.Source.Label}{(card.Source.Url is null ? "" : $" <{card.Source.Url}>")}");
            foreach (var suggestion in card.Suggestions ?? [])
            {
                Console.WriteLine($"      suggestion: {suggestion.Label}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Trace:");
        foreach (var rule in outcome.Trace)
        {
            Console.WriteLine($"  {Label(rule.Outcome),-18} {rule.RuleId}@{rule.RuleVersion}: {rule.Explanation}");
            foreach (var evidence in rule.Evidence)
            {
                Console.WriteLine($"  {"",-18}   - {evidence.Label}{(evidence.Value is null ? "" : $": {evidence.Value}")}{(evidence.Date is { } d ? $" on {d:yyyy-MM-dd}" : "")}{(evidence.Note is null ? "" : $" ({evidence.Note})")}");
            }
        }

        return 0;
    }

    private static List<Hl7.Fhir.Model.Resource>? ReadRecord(FileInfo? patient, string? example)
    {
        if (example is not null)
        {
            var found = new ExamplePatients().Find(example);
            if (found is null)
            {
                Console.Error.WriteLine($"no example '{example}'; 'ketamine-cds example' lists them");
            }

            return found?.Resources.ToList();
        }

        if (!patient!.Exists || FhirJson.Parse(File.ReadAllText(patient.FullName)) is not { } resource)
        {
            Console.Error.WriteLine($"{patient.FullName}: not a readable FHIR resource or Bundle");
            return null;
        }

        return [.. FhirJson.Flatten(resource)];
    }

    private static string Label(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Fired => "FIRED",
        RuleOutcome.Superseded => "fired (superseded)",
        RuleOutcome.Unknown => "COULD NOT EVALUATE",
        RuleOutcome.Error => "ERROR",
        _ => "silent",
    };
}
