using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// A pack table keyed by ingredient, and how to recognise an ingredient in an RxNorm clinical-drug concept: by the
/// ingredient's RXCUI, or by its name (or a synonym) in the drug's display or text ("sertraline 100 MG Oral Tablet"
/// names the ingredient; <see cref="DoseReader"/> reads the strength).
/// </summary>
public sealed class IngredientTable<TRow> where TRow : class, IIngredientRow
{
    private readonly List<(TRow Row, Regex Name)> _rows;

    // The same clinical-drug names recur; remember which row each text names (bounded, as in ValueSetIndex).
    private readonly ConcurrentDictionary<string, TRow?> _byText = new(StringComparer.Ordinal);

    public IngredientTable(IEnumerable<TRow> rows, string? source)
    {
        _rows = [.. rows.Select(r => (Row: r, Name: new Regex($@"\b({string.Join("|", new[] { r.Name }.Concat(r.Synonyms).Select(Regex.Escape))})\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))];
        Source = source;
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", _rows.Select(r => r.Row.HashLine)))));
    }

    /// <summary>SHA-256 of the table's rows: part of the content hash of the rules that read the table.</summary>
    public string ContentHash { get; }

    public string? Source { get; }
    public int Count => _rows.Count;

    public TRow? Identify(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return null;
        }

        foreach (var coding in concept.Coding)
        {
            if (CodeSystems.Normalize(coding.System) == CodeSystems.RxNorm && _rows.FirstOrDefault(r => r.Row.RxNorm == coding.Code).Row is { } byCode)
            {
                return byCode;
            }
        }

        foreach (var text in concept.Coding.Select(c => c.Display).Append(concept.Text).OfType<string>())
        {
            if (!_byText.TryGetValue(text, out var byName))
            {
                byName = _rows.FirstOrDefault(r => r.Name.IsMatch(text)).Row;
                if (_byText.Count < 20_000)
                {
                    _byText.TryAdd(text, byName);
                }
            }

            if (byName is not null)
            {
                return byName;
            }
        }

        return null;
    }
}
