using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using KetamineCds.Tests.Architecture;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The host's feature folders depend on each other in the direction <c>docs/architecture.md</c> draws, read from that
/// document's table: a dependency the table does not allow, a folder it does not list, or a table that points upwards
/// fails here. Every host type lives in a feature folder (the bare root namespace would be invisible to these rules).
/// </summary>
[Trait("Category", "Unit")]
public sealed class ArchitectureTests
{
    private const string Root = "KetamineCds.Api";
    private static readonly Architecture Host = new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();
    private static readonly IReadOnlyList<(string Folder, IReadOnlySet<string> MayUse)> Table =
        LayerTable.Read(File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md")), "## The host, bottom to top");

    [Fact]
    public void GivenTheHost_WhenItsFolderDependenciesAreRead_ThenThereIsNoCycle() =>
        Slices().Matching($"{Root}.(*)").Should().BeFreeOfCycles().Check(Host);

    [Fact]
    public void GivenTheHostsTypes_WhenTheirNamespacesAreRead_ThenNoneIsInTheBareRootNamespace() =>
        Assert.Empty(Host.Types.Where(t => t.Namespace.FullName == Root).Select(t => t.FullName));

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
                .Because($"docs/architecture.md allows {folder} to use only {(mayUse.Count == 0 ? "nothing else of the host" : string.Join(", ", mayUse))}");
            violations.AddRange(rule.Evaluate(Host).Where(r => !r.Passed).Select(r => $"{r.Description} ({folder} may use: {string.Join(", ", mayUse)})"));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static IEnumerable<string> Folders() =>
        Host.Types.Select(t => t.Namespace.FullName).Where(n => n.StartsWith($"{Root}.", StringComparison.Ordinal))
            .Select(n => n[(Root.Length + 1)..].Split('.')[0]).Distinct();
}
