using System.Collections.Concurrent;

namespace KetamineCds.Rules.Terminology;

/// <summary>
/// Which of a pack's value sets contain a code, as one bit per set, remembered for the life of the pack. A request
/// then looks each distinct coding of the record up once, however many value sets the rules ask about, and testing a
/// set is a bit test, not a hash lookup per value set. Real records reuse a small vocabulary of
/// LOINC, SNOMED and RxNorm codes, so the memory fills quickly and stays small; it is bounded all the same, and past
/// the bound codes are answered without being remembered.
/// </summary>
internal sealed class CodeMembership
{
    private const int MemoryLimit = 50_000;

    private readonly ValueSetIndex[] _sets;
    private readonly ConcurrentDictionary<(string System, string Code), ValueSetMask> _known = new();

    private CodeMembership(ValueSetIndex[] sets) => _sets = sets;

    /// <summary>Numbers the pack's value sets and lets each answer <see cref="ValueSetIndex.Contains"/> from the shared memory.</summary>
    public static void Attach(IEnumerable<ValueSetIndex> sets)
    {
        var all = sets.ToArray();
        var membership = new CodeMembership(all);
        for (var i = 0; i < all.Length; i++)
        {
            all[i].JoinPack(membership, i);
        }
    }

    public int SetCount => _sets.Length;

    /// <summary>The sets that contain the code, exclusions applied. A code without a value is in none.</summary>
    public ValueSetMask SetsContaining(string? system, string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return ValueSetMask.Empty;
        }

        var key = (system ?? "", code);
        if (_known.TryGetValue(key, out var mask))
        {
            return mask;
        }

        var canonical = CodeSystems.Normalize(system);
        var normalized = CodeSystems.NormalizeCode(canonical, code);
        var bits = new ulong[ValueSetMask.WordsFor(_sets.Length)];
        for (var i = 0; i < _sets.Length; i++)
        {
            if (_sets[i].Holds(canonical, normalized))
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        mask = new ValueSetMask(bits);
        if (_known.Count < MemoryLimit)
        {
            _known.TryAdd(key, mask);
        }

        return mask;
    }
}

/// <summary>A set of a pack's value sets, one bit each (see <see cref="CodeMembership"/>).</summary>
internal readonly struct ValueSetMask(ulong[]? bits)
{
    public static ValueSetMask Empty => default;

    public static int WordsFor(int sets) => (sets + 63) >> 6;

    public bool Has(int ordinal) => bits is not null && (bits[ordinal >> 6] & (1UL << (ordinal & 63))) != 0;

    public bool IsEmpty => bits is null || Array.TrueForAll(bits, static w => w == 0);

    /// <summary>Adds the other mask's sets into <paramref name="into"/> (allocated on first use), for a concept with several codings.</summary>
    public void UnionInto(ref ulong[]? into, int setCount)
    {
        if (bits is null || IsEmpty)
        {
            return;
        }

        into ??= new ulong[WordsFor(setCount)];
        for (var w = 0; w < bits.Length; w++)
        {
            into[w] |= bits[w];
        }
    }
}
