using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using KetamineCds.Tests.Architecture;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The engine's folders depend on each other in the direction <c>docs/architecture.md</c> draws (read from its table),
/// and the engine knows nothing of ASP.NET or the host: referenced types included, so a method taking an
/// <c>HttpContext</c> fails here even though the type lives in another assembly.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ArchitectureTests
{
    private const string Root = "KetamineCds.Rules";
    private static readonly Architecture Engine = new ArchLoader().LoadAssemblies(typeof(CompiledPack).Assembly).Build();
    private static readonly IReadOnlyList<(string Folder, IReadOnlySet<string> MayUse)> Table =
        LayerTable.Read(File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md")), "## The engine, bottom to top");

    [Fact]
    public void GivenTheEngine_WhenItsFolderDependenciesAreRead_ThenThereIsNoCycle() =>
        Slices().Matching($"{Root}.(*)").Should().BeFreeOfCycles().Check(Engine);

    [Fact]
    public void GivenTheEngine_WhenItsDependenciesAreRead_ThenNoneIsOnAspNetOrTheHost() =>
        Types().That().ResideInAssembly(typeof(CompiledPack).Assembly).Should()
            .NotDependOnAny(Types(true).That().ResideInNamespaceMatching(@"^Microsoft\.AspNetCore(\..*)?$")
                .Or().ResideInNamespaceMatching(@"^KetamineCds\.Api(\..*)?$")).Check(Engine);

    [Fact]
    public void GivenTheEnginesTypes_WhenTheirNamespacesAreRead_ThenNoneIsInTheBareRootNamespace() =>
        Assert.Empty(Engine.Types.Where(t => t.Namespace.FullName == Root && !t.Name.StartsWith('<')).Select(t => t.FullName));

    [Fact]
    public void GivenTheLayerTable_WhenComparedWithTheFolders_ThenEachFolderIsListedOnceAndUsesOnlyFoldersBelowIt() =>
        Assert.Empty(LayerRules.TableProblems(Table, Folders()));

    [Fact]
    public void GivenEachFolder_WhenItsDependenciesAreRead_ThenTheyAreThoseTheLayerTableAllows()
    {
        var violations = new List<string>();
        foreach (var (folder, mayUse) in Table)
        {
            var rule = Types().That().ResideInNamespaceMatching($@"^{Root}\.{folder}(\..+)?$").Should()
                .NotDependOnAny(Types().That().ResideInNamespaceMatching(LayerRules.Forbidden(Root, folder, mayUse)))
                .Because($"docs/architecture.md allows {folder} to use only {(mayUse.Count == 0 ? "nothing else of the engine" : string.Join(", ", mayUse))}");
            violations.AddRange(rule.Evaluate(Engine).Where(r => !r.Passed).Select(r => $"{r.Description} ({folder} may use: {string.Join(", ", mayUse)})"));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static IEnumerable<string> Folders() =>
        Engine.Types.Select(t => t.Namespace.FullName).Where(n => n.StartsWith($"{Root}.", StringComparison.Ordinal))
            .Select(n => n[(Root.Length + 1)..].Split('.')[0]).Distinct();
}
