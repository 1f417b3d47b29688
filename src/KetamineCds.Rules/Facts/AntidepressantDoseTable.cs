using Hl7.Fhir.Model;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Facts;

/// <summary>The pack's minimum adequate daily doses by antidepressant ingredient (clinical-rules reference §5).</summary>
public sealed class AntidepressantDoseTable(IEnumerable<DoseTableRow> rows, string? source)
{
    private readonly IngredientTable<DoseTableRow> _table = new(rows, source);

    /// <summary>SHA-256 of the table's rows: part of the content hash of the rules over antidepressant trials.</summary>
    public string ContentHash => _table.ContentHash;

    public static AntidepressantDoseTable Empty { get; } = new([], null);

    public string? Source => _table.Source;
    public int Count => _table.Count;

    public DoseTableRow? Identify(CodeableConcept? concept) => _table.Identify(concept);
}
