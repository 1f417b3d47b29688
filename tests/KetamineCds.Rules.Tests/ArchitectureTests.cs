using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The engine's folders depend on each other one way only (Model and Terminology at the bottom, Conditions as the
/// contract between the facts and the evaluator, Testing on top), and the engine knows nothing of a host.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Architecture Engine = new ArchLoader().LoadAssemblies(typeof(CompiledPack).Assembly).Build();

    [Fact]
    public void GivenTheEngine_WhenItsFolderDependenciesAreRead_ThenThereIsNoCycle() =>
        Slices().Matching("KetamineCds.Rules.(*)").Should().BeFreeOfCycles().Check(Engine);

    [Fact]
    public void GivenTheEngine_WhenItsDependenciesAreRead_ThenNoneIsOnAspNetOrTheHost() =>
        Types().Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^Microsoft\.AspNetCore(\..*)?$")
            .Or().ResideInNamespaceMatching(@"^KetamineCds\.Api(\..*)?$")).Check(Engine);
}
