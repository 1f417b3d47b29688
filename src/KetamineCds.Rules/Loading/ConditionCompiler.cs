using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// Compiles a condition tree (all / any / not / ref / fact) into executable conditions, handing each fact to its
/// <see cref="FactCompiler"/> and reporting every problem (unknown fact, stray parameter, and what the fact's compiler
/// finds) at the JSON pointer where it sits.
/// </summary>
internal sealed class ConditionCompiler(
    IReadOnlyDictionary<string, ValueSetIndex> valueSets,
    AnswerScores answers,
    PackTables tables,
    ISet<string> ruleIds,
    Action<string, string> report,
    RecordReads? reads = null,
    MedicationActivity? activity = null)
{
    private readonly FactCompilation _facts = new(valueSets, answers, tables, report, reads ?? new RecordReads(), activity);

    /// <summary>Rule ids referenced by <c>ref:</c> nodes, for cycle checks.</summary>
    public List<string> References { get; } = [];

    /// <summary>What the facts compiled so far read from the record.</summary>
    public RecordReads Reads => _facts.Reads;

    public ICondition Compile(ConditionSpec? spec, string pointer)
    {
        if (spec is null)
        {
            return AlwaysCondition.Instance;
        }

        var kinds = new[] { spec.All is not null, spec.Any is not null, spec.Not is not null, spec.Ref is not null, spec.Fact is not null }.Count(k => k);
        if (kinds != 1)
        {
            report(pointer, "a condition must have exactly one of: all, any, not, ref, fact");
            return AlwaysCondition.Instance;
        }

        if (spec.All is { } all)
        {
            return new AllCondition(all.Select((c, i) => Compile(c, $"{pointer}/all/{i}")).ToList());
        }

        if (spec.Any is { } any)
        {
            return new AnyCondition(any.Select((c, i) => Compile(c, $"{pointer}/any/{i}")).ToList());
        }

        if (spec.Not is { } not)
        {
            return new NotCondition(Compile(not, $"{pointer}/not"));
        }

        if (spec.Ref is { } reference)
        {
            if (!ruleIds.Contains(reference))
            {
                report($"{pointer}/ref", $"ref '{reference}' names no rule in the pack");
            }

            References.Add(reference);
            return new RuleReferenceCondition(reference);
        }

        if (!FactCompilers.ByName.TryGetValue(spec.Fact!, out var fact))
        {
            report($"{pointer}/fact", $"unknown fact '{spec.Fact}'; known facts: {string.Join(", ", FactCompilers.Names)}");
            return AlwaysCondition.Instance;
        }

        foreach (var stray in ConditionParameters.Present(spec).Except(fact.Parameters))
        {
            report($"{pointer}/{stray}", $"fact '{fact.Name}' does not take '{stray}'; it takes {string.Join(", ", fact.Parameters)}");
        }

        var reads = fact.Reads(spec);
        foreach (var type in reads)
        {
            _facts.Reads.AddType(type);
        }

        return GuardUnretrievedData(spec, reads, fact.Compile(spec, pointer, _facts));
    }

    /// <summary>A fact over data the host could not retrieve is undecidable, unless it already found what it looks for.</summary>
    private ICondition GuardUnretrievedData(ConditionSpec spec, IReadOnlyList<string> reads, ICondition fact)
    {
        if (reads.Count == 0)
        {
            return fact;
        }

        // "Exists" facts keep a positive answer: more data could only add evidence. Facts that hold on absence, on an
        // upper bound of a count, or on the latest value can be overturned by what did not arrive.
        var existence = spec.Absent != true && spec.Value is null
            && spec.Count is not ({ Lt: not null } or { Le: not null } or { Eq: not null } or { Ne: not null });
        // The value sets it reads: an entry set aside with a code outside all of them cannot change its answer.
        IReadOnlyList<ValueSetIndex> sets = [.. new[] { spec.ValueSet, spec.Component, spec.Scores }
            .Select(id => id is not null && valueSets.TryGetValue(id, out var set) ? set : null).OfType<ValueSetIndex>()];
        return new UnretrievedDataGuard(fact, reads, existence, sets);
    }
}
