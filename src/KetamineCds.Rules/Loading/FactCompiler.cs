using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// One fact of the closed set, defined once: its name in rule files, the parameters it takes beside <c>fact:</c>, the
/// record data it reads and how it compiles. The loader accepts exactly <see cref="Parameters"/> (any other parameter is
/// an error naming the fact and the parameter), and <c>SchemaVocabularyTests</c> pins them to the rule-file schema's
/// <c>x-facts</c> annotations, so the schema an admin's editor reads and the loader cannot disagree.
/// </summary>
internal abstract class FactCompiler
{
    /// <summary>The fact's name in rule files: <c>fact: observation</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The parameters the fact reads, as written in rule files (<see cref="ConditionParameters"/> names).</summary>
    public abstract IReadOnlyList<string> Parameters { get; }

    /// <summary>
    /// The FHIR resource types the fact reads from the record. When the host could not retrieve one of them, the fact
    /// is undecidable unless it already found positive evidence (<see cref="Facts.UnretrievedDataGuard"/>).
    /// Age, gender and the draft order read the Patient and the hook, which are undecidable on their own when missing.
    /// </summary>
    public virtual IReadOnlyList<string> Reads(ConditionSpec spec) => [];

    /// <summary>Compiles the fact; every problem is reported through <paramref name="with"/> at its JSON pointer.</summary>
    public abstract ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with);

    /// <summary>Parameter names from <see cref="ConditionSpec"/> property names, so a renamed property renames its parameter.</summary>
    protected static IReadOnlyList<string> Named(params string[] properties) => [.. properties.Select(ConditionParameters.NameOf)];
}
