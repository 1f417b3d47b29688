namespace KetamineCds.Rules.Model;

/// <summary>A row of a pack table keyed by drug ingredient (the antidepressant doses, the benzodiazepine equivalents).</summary>
public interface IIngredientRow
{
    string Name { get; }

    /// <summary>The ingredient's RxNorm code (RXCUI).</summary>
    string RxNorm { get; }

    /// <summary>Other names the ingredient goes by in drug names (a salt, a brand).</summary>
    IReadOnlyList<string> Synonyms { get; }

    /// <summary>The row as one line for the table's content hash: every field that changes what a rule concludes.</summary>
    string HashLine { get; }
}
