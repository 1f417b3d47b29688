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
    private readonly Func<T, IEnumerable<CodeableConcept>> _conceptsOf;
    private readonly Func<T, ValueSetIndex, bool> _isIn;
    private readonly int[] _groupOf;
    private readonly List<T> _groups = [];
    private readonly Dictionary<ValueSetIndex, IReadOnlyList<T>> _bySet = new(16, ReferenceEqualityComparer.Instance);

    // Per group, the pack's value sets its codes are in (null: none), read from the pack-wide memory once.
    private CodeMembership? _membership;
    private ulong[]?[] _masks = [];

    /// <summary>Groups by code; a resource is in a value set when its code is.</summary>
    public CodeIndex(IReadOnlyList<T> items, Func<T, CodeableConcept?> codeOf)
        : this(items, item => new GroupKey(codeOf(item)), item => codeOf(item) is { } code ? [code] : [],
            (item, set) => set.Match(codeOf(item)) is not null)
    {
    }

    /// <param name="keyOf">A key that is equal for two items exactly when <paramref name="conceptsOf"/> and <paramref name="isIn"/> agree on them.</param>
    /// <param name="conceptsOf">The concepts whose codings put an item in a value set.</param>
    /// <param name="isIn">Whether an item is in a value set, in full (codes and, for medication sets, ingredient names); asked once per group and value set when the codes alone do not decide.</param>
    public CodeIndex(IReadOnlyList<T> items, Func<T, GroupKey> keyOf, Func<T, IEnumerable<CodeableConcept>> conceptsOf, Func<T, ValueSetIndex, bool> isIn)
    {
        _items = items;
        _conceptsOf = conceptsOf;
        _isIn = isIn;
        _groupOf = new int[items.Count];
        var groups = new Dictionary<GroupKey, int>();
        for (var i = 0; i < items.Count; i++)
        {
            var key = keyOf(items[i]);
            if (!groups.TryGetValue(key, out var group))
            {
                group = _groups.Count;
                groups[key] = group;
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
            matches[g] = IsIn(g, valueSet);
            any |= matches[g];
        }

        IReadOnlyList<T> list = [];
        if (any)
        {
            var hits = new List<T>();
            for (var i = 0; i < _items.Count; i++)
            {
                if (matches[_groupOf[i]])
                {
                    hits.Add(_items[i]);
                }
            }

            list = hits;
        }

        _bySet[valueSet] = list;
        return list;
    }

    /// <summary>
    /// A group is in the set when one of its codes is (a bit test); only sets that also match by name, or sets
    /// outside a pack, ask the full test.
    /// </summary>
    private bool IsIn(int group, ValueSetIndex valueSet)
    {
        var membership = valueSet.Membership;
        if (membership is null || (_membership is not null && _membership != membership))
        {
            return _isIn(_groups[group], valueSet);
        }

        if (_membership is null)
        {
            _membership = membership;
            _masks = new ulong[]?[_groups.Count];
            for (var g = 0; g < _groups.Count; g++)
            {
                foreach (var concept in _conceptsOf(_groups[g]))
                {
                    foreach (var coding in concept.Coding)
                    {
                        membership.SetsContaining(coding.System, coding.Code).UnionInto(ref _masks[g], membership.SetCount);
                    }
                }
            }
        }

        return new ValueSetMask(_masks[group]).Has(valueSet.Ordinal)
            || (valueSet.MatchesIngredientNames && _isIn(_groups[group], valueSet));
    }
}

/// <summary>
/// What decides a resource's value-set membership: its concept (every coding's system, code and display, which
/// RxNorm ingredient names are read from, and the text), or a reference to a shared Medication, or, for a resource
/// whose medication is its own (contained), the resource itself. Compared by content, without building strings.
/// </summary>
internal readonly struct GroupKey(CodeableConcept? concept, string? reference = null, object? owner = null) : IEquatable<GroupKey>
{
    private readonly CodeableConcept? _concept = concept;
    private readonly string? _reference = reference;
    private readonly object? _owner = owner;

    public bool Equals(GroupKey other) =>
        ReferenceEquals(_owner, other._owner) && string.Equals(_reference, other._reference, StringComparison.Ordinal)
        && SameConcept(_concept, other._concept);

    public override bool Equals(object? obj) => obj is GroupKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_owner is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_owner));
        hash.Add(_reference);
        if (_concept is not null)
        {
            foreach (var coding in _concept.Coding)
            {
                hash.Add(coding.System);
                hash.Add(coding.Code);
            }

            hash.Add(_concept.Text);
        }

        return hash.ToHashCode();
    }

    private static bool SameConcept(CodeableConcept? x, CodeableConcept? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Coding.Count != y.Coding.Count || x.Text != y.Text)
        {
            return false;
        }

        for (var i = 0; i < x.Coding.Count; i++)
        {
            var (a, b) = (x.Coding[i], y.Coding[i]);
            if (a.System != b.System || a.Code != b.Code || a.Display != b.Display)
            {
                return false;
            }
        }

        return true;
    }
}
