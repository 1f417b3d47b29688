using System.Reflection;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// The parameters a condition node can carry beside <c>fact:</c>, read off <see cref="ConditionSpec"/> itself (its
/// properties, as rule files spell them), so a parameter added to the model is known to the loader without a second list.
/// </summary>
internal static class ConditionParameters
{
    // The tree's own keys: a node is one of these, not a parameter of a fact.
    private static readonly HashSet<string> Structural = ["all", "any", "not", "ref", "fact"];

    private static readonly (string Name, PropertyInfo Property)[] Properties = [.. typeof(ConditionSpec)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Name: NameOf(p.Name), Property: p))
        .Where(p => !Structural.Contains(p.Name))];

    /// <summary>Every parameter name, as written in rule files.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Properties.Select(p => p.Name)];

    /// <summary>The rule-file name of a <see cref="ConditionSpec"/> property: <c>nameof(ConditionSpec.ValueSet)</c> → <c>valueSet</c>.</summary>
    public static string NameOf(string propertyName) => char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    /// <summary>The parameters this node sets.</summary>
    public static IEnumerable<string> Present(ConditionSpec spec) =>
        Properties.Where(p => p.Property.GetValue(spec) is not null).Select(p => p.Name);
}
