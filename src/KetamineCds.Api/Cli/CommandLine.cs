using System.CommandLine;
using KetamineCds.Rules.Loading;
using KetamineCds.Api.RulePack;

namespace KetamineCds.Api.Cli;

/// <summary>
/// Admin verbs of the service binary: <c>ketamine-cds rules check FOLDER</c> validates a pack and lists every error
/// with file, line and rule id; <c>ketamine-cds rules test FOLDER</c> also runs its test cases. Both exit non-zero on failure.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// A first argument that names a verb, or asks for help or the version: those never start the web host (which, in
    /// Production without its settings, would stop with a configuration error instead of printing the help).
    /// </summary>
    public static bool IsVerb(string first) => first is "rules" or "health" or "token" or "store" or "stats" or "example" or "install-sheet"
        or "help" or "--help" or "-h" or "-?" or "--version";

    public static async Task<int> RunAsync(string[] args)
    {
        var folder = new Argument<string>("folder") { Description = "The rule pack folder (holds pack.yaml)", DefaultValueFactory = _ => "rules" };
        var check = new Command("check", "Validate a rule pack: schema, facts, value sets, FHIRPath, summaries");
        check.Arguments.Add(folder);
        check.SetAction(parse => Check(parse.GetValue(folder)!));

        var testFolder = new Argument<string>("folder") { Description = "The rule pack folder (holds pack.yaml and tests/)", DefaultValueFactory = _ => "rules" };
        var showCards = new Option<bool>("--cards") { Description = "List the cards each case got (rule id and indicator)" };
        var test = new Command("test", "Validate a rule pack and run its test cases in tests/") { showCards };
        test.Arguments.Add(testFolder);
        test.SetAction(parse => Test(parse.GetValue(testFolder)!, parse.GetValue(showCards)));

        var rules = new Command("rules", "Rule pack tools for clinical admins") { check, test, ExplainCommand.Create(), CoverageCommand.Create(), DiffCommand.Create() };
        foreach (var command in HistoryCommands.Create())
        {
            rules.Subcommands.Add(command);
        }


        // For container health checks: the runtime image has no curl.
        var url = new Argument<string>("url") { Description = "Health endpoint to probe", DefaultValueFactory = _ => "http://127.0.0.1:8080/health/ready" };
        var health = new Command("health", "Exit 0 when the health endpoint answers 200") { url };
        health.SetAction(async (parse, cancellationToken) => await ProbeAsync(parse.GetValue(url)!, cancellationToken));

        var root = new RootCommand("KetamineCds: CDS Hooks service for IV ketamine in treatment-resistant depression") { rules, health, TokenCommands.Create(), ExampleCommand.Create(), InstallSheetCommand.Create() };
        foreach (var command in StoreCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        // "help" as a word, as people type it, is System.CommandLine's --help.
        return await root.Parse(args is ["help", .. var rest] ? ["--help", .. rest] : args).InvokeAsync();
    }

    private static async Task<int> ProbeAsync(string text, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            Console.Error.WriteLine($"'{text}' is not an absolute URL");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"{url}: {ex.Message}");
            return 1;
        }
        catch (TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}: no answer within 3 s");
            return 1;
        }
    }

    private static int Check(string folder)
    {
        var result = RulePackLoader.Load(folder);
        return result.IsValid ? Describe(result.Pack!) : Refuse(result.Errors);
    }

    /// <summary>The go-live gate as the service runs it, with each case's result: one load, the same verdict.</summary>
    private static int Test(string folder, bool showCards = false)
    {
        var gate = RulePackGate.Run(folder, runTests: true);
        if (gate.Tests.Count == 0)
        {
            if (gate.Errors.Count > 0)
            {
                return Refuse(gate.Errors);
            }

            Describe(gate.Pack!);
            Console.Error.WriteLine($"No test cases in {Path.Combine(folder, "tests")}: the pack is valid but untested.");
            return 1;
        }

        foreach (var file in gate.Tests.GroupBy(r => r.File))
        {
            var failed = file.Where(r => !r.Passed).ToList();
            Console.WriteLine($"{file.Key}: {file.Count() - failed.Count} passed, {failed.Count} failed");
            foreach (var result in failed)
            {
                foreach (var failure in result.Failures)
                {
                    Console.WriteLine($"  FAIL {result.Name}: {failure}");
                }
            }

            foreach (var result in showCards ? file.ToList() : [])
            {
                Console.WriteLine($"  {result.Name}: {(result.Cards is { Count: > 0 } cards ? string.Join(", ", cards) : "no cards")}");
            }
        }

        var failures = gate.Tests.Count - gate.TestsPassed;
        Console.WriteLine($"{gate.TestsPassed} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static int Refuse(IReadOnlyList<RuleFileError> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error);
        }

        Console.Error.WriteLine($"{errors.Count} error(s); the pack is invalid.");
        return 1;
    }

    private static int Describe(KetamineCds.Rules.Evaluation.CompiledPack pack)
    {
        foreach (var file in pack.Rules.GroupBy(r => r.File))
        {
            Console.WriteLine($"{file.Key}: ok ({file.Count()} rules)");
        }

        Console.WriteLine($"{pack.Label}: {pack.Rules.Count} rules, {pack.ValueSets.Count} value sets, hash {pack.ContentHash[..12]}: valid");
        return 0;
    }
}
