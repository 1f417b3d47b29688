using KetamineCds.Rules.Loading;

namespace KetamineCds.Rules.Tests;

/// <summary>Paths in the checkout, and the shipped pack loaded once for all tests.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();
    public static string RulesFolder => Path.Combine(Root, "rules");
    public static string ThirdParty => Path.Combine(Root, "tests", "third-party");

    private static readonly Lazy<CompiledPack> ShippedPack = new(() =>
    {
        var result = RulePackLoader.Load(RulesFolder);
        return result.Pack ?? throw new InvalidOperationException(string.Join(Environment.NewLine, result.Errors));
    });

    public static CompiledPack Pack => ShippedPack.Value;

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KetamineCds.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("KetamineCds.sln not found above the test binaries");
    }
}
