using System.Text.Json.Nodes;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The engine's words and the rule-file schema's enums are the same sets: a hook, status, category, indicator or fact
/// added on one side only fails here, not in an admin's editor or at a pack's load. The preview page reads the same
/// card extension key.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SchemaVocabularyTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.RulesFolder, "schema", "rule-file.schema.json")))!;

    private static string[] Enum(string definition, params string[] path)
    {
        var node = Schema["$defs"]![definition]!["properties"]!;
        node = path.Aggregate(node, (current, step) => current[step]!);
        return [.. node["enum"]!.AsArray().Select(v => v!.GetValue<string>())];
    }

    [Fact]
    public void GivenTheSchema_WhenItsEnumsAreRead_ThenTheyAreTheEnginesVocabulary()
    {
        Assert.Equal(Hooks.All, Enum("rule", "hooks", "items"));
        Assert.Equal(RuleStatuses.All, Enum("rule", "status"));
        Assert.Equal(RuleCategories.All, Enum("rule", "category"));
        Assert.Equal(FactCompilers.Names, Enum("condition", "fact"));
        Assert.Equal(Enum<Indicator>().Select(i => i.ToString().ToLowerInvariant()), Enum("card", "indicator"));
        Assert.Equal(CardClasses.All, Enum("rule", "policy"));
        // pack.yaml's card policy: every hook's table names the same classes and modes.
        var hooks = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.RulesFolder, "schema", "pack.schema.json")))!
            ["properties"]!["cardPolicy"]!["properties"]!["hooks"]!["properties"]!.AsObject();
        Assert.Equal(Hooks.All.Order(), hooks.Select(h => h.Key).Order());
        foreach (var (_, table) in hooks)
        {
            var classes = table!["properties"]!.AsObject();
            Assert.Equal(CardClasses.All, classes.Select(c => c.Key));
            Assert.All(classes, c => Assert.Equal(PolicyModes.All, c.Value!["enum"]!.AsArray().Select(v => v!.GetValue<string>())));
        }
    }

    [Fact]
    public void GivenTheSchema_WhenEachParameterSaysWhichFactsTakeIt_ThenThoseAreTheFactsTheLoaderAccepts()
    {
        var properties = Schema["$defs"]!["condition"]!["properties"]!.AsObject();
        var parameters = properties.Where(p => p.Key is not ("all" or "any" or "not" or "ref" or "fact")).ToList();

        // Every parameter of the model is in the schema, and nothing else is.
        Assert.Equal(ConditionParameters.All.Order(StringComparer.Ordinal), parameters.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, definition) in parameters)
        {
            var inSchema = definition!["x-facts"]!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal);
            var inLoader = FactCompilers.ByName.Values.Where(f => f.Parameters.Contains(name)).Select(f => f.Name).Order(StringComparer.Ordinal);
            Assert.True(inSchema.SequenceEqual(inLoader), $"'{name}': the schema says [{string.Join(", ", inSchema)}], the loader [{string.Join(", ", inLoader)}]");
        }
    }

    [Fact]
    public void GivenThePreviewPage_WhenItReadsACardsRule_ThenItUsesTheEnginesExtensionKey()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "src", "KetamineCds.Api", "Preview", "Page", "preview.js"));

        Assert.Contains($"'{CardExtensions.Rule}'", script.Replace('"', '\''), StringComparison.Ordinal);
    }

    private static IEnumerable<T> Enum<T>() where T : struct, System.Enum => System.Enum.GetValues<T>();
}
