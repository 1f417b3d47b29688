using System.Text;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Resources of one type grouped by their code, so "which are coded in this value set?" tests each distinct code
/// once (a Synthea record has thousands of observations but about a hundred distinct codes) instead of every
/// resource, and answers in record order. Built lazily, once per request; each value set's answer is kept.
/// </summary>
internal sealed class CodeIndex<T> where T : class
{
    private readonly IReadOnlyList<T> _items;
    private readonly Func<T, ValueSetIndex, bool> _isIn;
    private readonly int[] _groupOf;
    private readonly List<T> _groups = [];
    private readonly Dictionary<ValueSetIndex, IReadOnlyList<T>> _bySet = new(ReferenceEqualityComparer.Instance);

    /// <summary>Groups by code; a resource is in a value set when its code is.</summary>
    public CodeIndex(IReadOnlyList<T> items, Func<T, CodeableConcept?> codeOf)
        : this(items, (item, key) => AppendKey(codeOf(item), key), (item, set) => set.Match(codeOf(item)) is not null)
    {
    }

    /// <param name="keyOf">Writes a key that is equal for two items exactly when <paramref name="isIn"/> must agree on them.</param>
    /// <param name="isIn">Whether an item is in a value set; asked once per group and value set.</param>
    public CodeIndex(IReadOnlyList<T> items, Action<T, StringBuilder> keyOf, Func<T, ValueSetIndex, bool> isIn)
    {
        _items = items;
        _isIn = isIn;
        _groupOf = new int[items.Count];
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var key = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            key.Clear();
            keyOf(items[i], key);
            var text = key.ToString();
            if (!groups.TryGetValue(text, out var group))
            {
                group = _groups.Count;
                groups[text] = group;
                _groups.Add(items[i]);
            }

            _groupOf[i] = group;
        }
    }

    public IReadOnlyList<T> CodedIn(ValueSetIndex valueSet)
    {
        if (_bySet.TryGetValue(valueSet, out var found))
        {
            return found;
        }

        var matches = new bool[_groups.Count];
        var any = false;
        for (var g = 0; g < _groups.Count; g++)
        {
            matches[g] = _isIn(_groups[g], valueSet);
            any |= matches[g];
        }

        var list = new List<T>();
        for (var i = 0; any && i < _items.Count; i++)
        {
            if (matches[_groupOf[i]])
            {
                list.Add(_items[i]);
            }
        }

        _bySet[valueSet] = list;
        return list;
    }

    /// <summary>Everything a value set can match on: each coding's system, code and display (RxNorm ingredient names), and text.</summary>
    public static void AppendKey(CodeableConcept? concept, StringBuilder key)
    {
        if (concept is not null)
        {
            foreach (var coding in concept.Coding)
            {
                key.Append(coding.System).Append('\u001f').Append(coding.Code).Append('\u001f').Append(coding.Display).Append('\u001e');
            }

            key.Append(concept.Text);
        }
    }
}
