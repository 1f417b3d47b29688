using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The host's feature folders depend on each other one way only (docs/architecture.md draws the direction), and Core
/// is a leaf: it imports nothing from the host, so anything may use it.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Architecture Host = new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();

    [Fact]
    public void GivenTheHost_WhenItsFolderDependenciesAreRead_ThenThereIsNoCycle() =>
        Slices().Matching("KetamineCds.Api.(*)").Should().BeFreeOfCycles().Check(Host);

    [Fact]
    public void GivenTheCoreFolder_WhenItsDependenciesAreRead_ThenItUsesNothingElseOfTheHost() =>
        Types().That().ResideInNamespace("KetamineCds.Api.Core").Should()
            .NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^KetamineCds\.Api\.(?!Core$).+"))
            .Check(Host);
}
