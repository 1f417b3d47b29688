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
    // Keyed "system|code", so a record filter can ask with the characters of its JSON, without making a string.
    private readonly ConcurrentDictionary<string, ValueSetMask> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ValueSetMask>.AlternateLookup<ReadOnlySpan<char>> _knownBySpan;

    private CodeMembership(ValueSetIndex[] sets)
    {
        _sets = sets;
        _knownBySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

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

        // The key's characters on the stack: a code seen before is answered without allocating.
        var length = (system?.Length ?? 0) + 1 + code.Length;
        if (length > 512)
        {
            var key = $"{system}|{code}";
            return _known.TryGetValue(key, out var known) ? known : Compute(key, system, code);
        }

        Span<char> chars = stackalloc char[length];
        system.AsSpan().CopyTo(chars);
        chars[system?.Length ?? 0] = '|';
        code.AsSpan().CopyTo(chars[((system?.Length ?? 0) + 1)..]);
        return _knownBySpan.TryGetValue(chars, out var mask) ? mask : Compute(chars.ToString(), system, code);
    }

    /// <summary>
    /// The same answer for a key written <c>system|code</c> as characters (a record filter reading JSON): when the code
    /// was seen before, nothing is allocated.
    /// </summary>
    public ValueSetMask SetsContaining(ReadOnlySpan<char> systemAndCode)
    {
        if (_knownBySpan.TryGetValue(systemAndCode, out var mask))
        {
            return mask;
        }

        var key = systemAndCode.ToString();
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var code = key[(bar + 1)..];
        return code.Length == 0 ? ValueSetMask.Empty : Compute(key, bar == 0 ? null : key[..bar], code);
    }

    private ValueSetMask Compute(string key, string? system, string code)
    {
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

        var mask = new ValueSetMask(bits);
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
