using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// A fact over a kind of record data that the host could not retrieve (the EHR's FHIR server timed out on allergies,
/// say), or over codes an entry that could not be read may have held, or over medications a record names but nobody
/// can identify, cannot be decided: the data it would read may exist. Its answer is kept only when it found positive evidence
/// in what did arrive and more data could not undo it; otherwise it is <see cref="Truth.Unknown"/>, so a
/// contraindication that could not be checked is never read as absent.
/// </summary>
/// <param name="reads">The FHIR resource types the fact reads.</param>
/// <param name="moreDataOnlyAddsEvidence">
/// True for "exists" facts (a coded condition, a count of at least N); false for facts that hold on absence
/// (<c>absent: true</c>, <c>count: { lt: … }</c>) or on the latest value, which more data can change.
/// </param>
internal sealed class UnretrievedDataGuard(ICondition fact, IReadOnlyList<string> reads, bool moreDataOnlyAddsEvidence,
    IReadOnlyList<ValueSetIndex>? sets = null) : ICondition
{
    private readonly IReadOnlyList<ValueSetIndex> _sets = sets ?? [];

    public ConditionResult Evaluate(IFactContext context)
    {
        var result = fact.Evaluate(context);
        if (result.Truth == Truth.True && moreDataOnlyAddsEvidence)
        {
            return result;
        }

        foreach (var type in reads)
        {
            var missing = context.Record.MissingFor(type, _sets);
            if (missing.Count > 0)
            {
                return ConditionResult.Unknown($"{string.Join("; ", missing)}, so this cannot be decided ({result.Explanation})", result.Evidence);
            }
        }

        return result;
    }
}
