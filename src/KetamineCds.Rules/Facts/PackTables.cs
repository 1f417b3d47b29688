using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Facts;

/// <summary>The pack's drug tables, each signed off by pharmacy: the minimum antidepressant doses and the benzodiazepine equivalents.</summary>
public sealed record PackTables(AntidepressantDoseTable Doses, IngredientTable<EquivalenceRow> BenzodiazepineEquivalents)
{
    public static PackTables Empty { get; } = new(AntidepressantDoseTable.Empty, new IngredientTable<EquivalenceRow>([], null));
}
