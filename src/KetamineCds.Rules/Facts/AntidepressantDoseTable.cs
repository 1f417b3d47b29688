using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// The pack's minimum adequate daily doses by ingredient (clinical-rules reference §5), and how to recognise an
/// ingredient in an RxNorm clinical-drug concept: by the ingredient's RXCUI, or by its name in the drug's display
/// ("sertraline 100 MG Oral Tablet" names the ingredient; <see cref="DoseReader"/> reads the strength).
/// </summary>
public sealed class AntidepressantDoseTable
{
    private readonly List<(DoseTableRow Row, Regex Name)> _rows;

    // The same clinical-drug names recur; remember which row each text names (bounded, as in ValueSetIndex).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DoseTableRow?> _byText = new(StringComparer.Ordinal);

    public AntidepressantDoseTable(IEnumerable<DoseTableRow> rows, string? source)
    {
        _rows = rows.Select(r => (Row: r, Name: new Regex($@"\b({string.Join("|", new[] { r.Name }.Concat(r.Synonyms).Select(Regex.Escape))})\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))).ToList();
        Source = source;
        ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join("\n", rows.Select(r => $"{r.Name}|{r.RxNorm}|{r.MinDailyMg.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{string.Join(",", r.Synonyms)}")))));
    }

    /// <summary>SHA-256 of the table's rows: part of the content hash of the rules over antidepressant trials.</summary>
    public string ContentHash { get; }

    public static AntidepressantDoseTable Empty { get; } = new([], null);

    public string? Source { get; }
    public int Count => _rows.Count;

    public DoseTableRow? Identify(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return null;
        }

        foreach (var coding in concept.Coding)
        {
            if (CodeSystems.Normalize(coding.System) == CodeSystems.RxNorm)
            {
                var byCode = _rows.FirstOrDefault(r => r.Row.RxNorm == coding.Code).Row;
                if (byCode is not null)
                {
                    return byCode;
                }
            }
        }

        var texts = concept.Coding.Select(c => c.Display).Append(concept.Text).OfType<string>();
        foreach (var text in texts)
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
