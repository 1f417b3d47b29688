using System.Text.Json.Nodes;
using KetamineCds.Rules.Loading;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The engine's words and the rule-file schema's enums are the same sets: a hook, status, category, indicator or fact
/// added on one side only fails here, not in an admin's editor or at a pack's load. The preview page reads the same
/// card extension key.
/// </summary>
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
        Assert.Equal(ConditionCompiler.Facts.Order(StringComparer.Ordinal), Enum("condition", "fact").Order(StringComparer.Ordinal));
        Assert.Equal(Enum<Indicator>().Select(i => i.ToString().ToLowerInvariant()), Enum("card", "indicator"));
    }

    [Fact]
    public void GivenThePreviewPage_WhenItReadsACardsRule_ThenItUsesTheEnginesExtensionKey()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "src", "KetamineCds.Api", "Preview", "Page", "preview.js"));

        Assert.Contains($"'{CardExtensions.Rule}'", script.Replace('"', '\''), StringComparison.Ordinal);
    }

    private static IEnumerable<T> Enum<T>() where T : struct, System.Enum => System.Enum.GetValues<T>();
}
