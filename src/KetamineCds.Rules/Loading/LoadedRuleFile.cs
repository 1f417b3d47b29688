using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// The rules of one rule file that passed the schema, each with its index in the file (errors point at
/// <c>/rules/{index}</c>), and the ids of the rules that did not, so a reference to a broken rule is not
/// reported a second time as unknown.
/// </summary>
internal sealed record LoadedRuleFile(
    string File,
    IReadOnlyList<(int Index, RuleSpec Rule)> Rules,
    IReadOnlyDictionary<string, int> Lines,
    IReadOnlyList<string> SchemaInvalidRuleIds)
{
    /// <summary>The source column of each JSON pointer.</summary>
    public IReadOnlyDictionary<string, int> Columns { get; init; } = new Dictionary<string, int>();
}
