using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>What an observation fact tests once it has found the matching observations.</summary>
internal enum ObservationTest
{
    Exists,
    Absent,
    Count,
    Value,
    Coded,
    Text,
}

/// <summary>How an observation fact reads results beyond its test: set in the rule file.</summary>
/// <param name="PreliminaryCounts"><c>preliminary: true</c>: a preliminary result counts as a result.</param>
/// <param name="AnyPositive">
/// <c>anyPositive: true</c>: the test holds when any result in the window passes it and no later result fails it
/// (pregnancy: a positive hCG stands until a later negative), instead of reading the latest result alone.
/// </param>
/// <param name="AnyResult">
/// <c>anyResult: true</c>: the test holds when any result in the window passes it, whatever came later (a BP in the
/// crisis tier during last week's infusion, followed by a normal reading at discharge).
/// </param>
internal sealed record ObservationOptions(bool PreliminaryCounts = false, bool AnyPositive = false, bool AnyResult = false);

/// <summary>What an observation fact looks for, as the rule file says it: compiled once per pack.</summary>
/// <param name="ValueSet">The observations' codes (for a component: the panels that hold it).</param>
/// <param name="Component">The component read from a panel, or a standalone observation coded as it.</param>
/// <param name="Within">The look-back window; null reads all history.</param>
/// <param name="Comparison">For <see cref="ObservationTest.Value"/> and <see cref="ObservationTest.Count"/>.</param>
/// <param name="Coded">For <see cref="ObservationTest.Coded"/>: the result codes that pass.</param>
/// <param name="Texts">For <see cref="ObservationTest.Text"/>: the result texts that pass.</param>
internal sealed record ObservationQuery(
    ValueSetIndex ValueSet,
    ValueSetIndex? Component = null,
    LookBack? Within = null,
    ObservationTest Test = ObservationTest.Exists,
    Comparison? Comparison = null,
    ValueSetIndex? Coded = null,
    IReadOnlyList<string>? Texts = null,
    FhirPathFilter? Where = null,
    ObservationOptions? Options = null);

/// <summary>
/// <c>fact: observation</c>: results coded in <c>valueSet</c> within the window. Only results count (final, amended,
/// corrected; preliminary when the rule says so) that carry a value: a pending test, or one recorded with a
/// dataAbsentReason, neither hides an earlier result nor fills a data gap. Tests the latest result's value
/// (UCUM-aware; integers, numeric strings and coded answers read as numbers; with <c>component</c> the value of the
/// matching component, as in the blood-pressure panel, or of a standalone observation coded as that component), its
/// coded result, its text result, how many there are, or that there are none. A partial date counts as the latest
/// instant it could mean. When the latest result cannot be read as the test needs, the answer is Unknown, never No.
/// </summary>
internal sealed class ObservationFact(ObservationQuery query, AnswerScores? answerScores = null) : ICondition
{
    private readonly AnswerScores _answers = answerScores ?? AnswerScores.None;
    private readonly ValueSetIndex valueSet = query.ValueSet;
    private readonly ValueSetIndex? component = query.Component;
    private readonly LookBack? within = query.Within;
    private readonly ObservationTest test = query.Test;
    private readonly Comparison? comparison = query.Comparison;
    private readonly ValueSetIndex? coded = query.Coded;
    private readonly IReadOnlyList<string>? texts = query.Texts;
    private readonly FhirPathFilter? where = query.Where;
    private readonly ObservationOptions _options = query.Options ?? new ObservationOptions();

    private readonly record struct Result(Observation Observation, DateTimeOffset? When, DataType? Value, Quantity? Quantity);

    public ConditionResult Evaluate(IFactContext context)
    {
        var results = Results(context);
        var name = component?.Title ?? valueSet.Title;
        switch (test)
        {
            case ObservationTest.Absent:
                var none = results.Count == 0;
                return ConditionResult.Of(none, none ? [new EvidenceItem(null, name, "none recorded", null, $"no result{Scope()}")] : [],
                    () => none ? $"no {name} result{Scope()}" : $"{results.Count} {name} results{Scope()}");
            case ObservationTest.Exists:
            case ObservationTest.Count:
                var holds = test == ObservationTest.Exists ? results.Count > 0 : comparison!.Holds(results.Count);
                IReadOnlyList<EvidenceItem> listed = [.. results.OrderByDescending(m => m.When).Take(5).Select(m => Describe(m, name))];
                return ConditionResult.Of(holds, listed, () => $"{results.Count} {name} results{Scope()}" + (comparison is null ? "" : $" {comparison.Describe()}"));
        }

        // Oldest first; among equal times the first recorded comes last, so it wins a tie for "latest".
        var ordered = results.Select((r, i) => (r, i)).OrderBy(x => x.r.When ?? DateTimeOffset.MinValue).ThenByDescending(x => x.i).Select(x => x.r).ToList();
        if (ordered.Count == 0)
        {
            return ConditionResult.Of(false, [], () => $"no {name} result{Scope()}");
        }

        if (_options.AnyPositive)
        {
            return AnyPositive(context, ordered, name);
        }

        if (_options.AnyResult)
        {
            return AnyResult(context, ordered, name);
        }

        var latest = ordered.LastOrDefault(Readable);
        var lastAny = ordered[^1];
        if (latest.Observation is null || (lastAny.When > latest.When && !Readable(lastAny)))
        {
            // The newest result is there but cannot be read as this test needs (an answer code without a score, a
            // unit that does not convert): undecidable, so a safety rule says its check is incomplete.
            var unreadable = Describe(lastAny, name);
            return ConditionResult.Unknown($"latest {name} ({unreadable.Value ?? "no value"}) cannot be read as {Needs()}", [unreadable]);
        }

        return Passes(context, latest, name, out var explanation) is { } passes
            ? ConditionResult.Of(passes, [Describe(latest, name)], () => explanation)
            : ConditionResult.Unknown(explanation, [Describe(latest, name)]);
    }

    private ConditionResult AnyResult(IFactContext context, List<Result> ordered, string name)
    {
        // The most recent result that passes: a later normal reading does not undo a surge.
        for (var i = ordered.Count - 1; i >= 0; i--)
        {
            if (Readable(ordered[i]) && Passes(context, ordered[i], name, out var explanation) == true)
            {
                var passing = ordered[i];
                var later = ordered.Count - 1 - i;
                return ConditionResult.Of(true, [Describe(passing, name)],
                    () => later == 0 ? explanation : $"{explanation} ({later} later result{(later == 1 ? "" : "s")} below it)");
            }
        }

        return ConditionResult.Of(false, [Describe(ordered[^1], name)], () => $"no {name} result{Scope()} {comparison?.Describe()}");
    }

    private ConditionResult AnyPositive(IFactContext context, List<Result> ordered, string name)
    {
        for (var i = ordered.Count - 1; i >= 0; i--)
        {
            if (Readable(ordered[i]) && Passes(context, ordered[i], name, out _) == true)
            {
                var later = ordered.Skip(i + 1).Where(r => r.When > ordered[i].When && Readable(r) && Passes(context, r, name, out _) == false).ToList();
                if (later.Count == 0)
                {
                    var positive = ordered[i];
                    return ConditionResult.Of(true, [Describe(positive, name)], () => $"{name} positive{Scope()} with no later negative result");
                }

                return ConditionResult.Of(false, [Describe(later[^1], name)], () => $"{name} positive, then a later negative result");
            }
        }

        return ConditionResult.Of(false, [Describe(ordered[^1], name)], () => $"no positive {name} result{Scope()}");
    }

    private List<Result> Results(IFactContext context)
    {
        var since = within?.Since(context.Now);
        var latestAllowed = context.Now.AddDays(1);
        var results = new List<Result>();
        foreach (var observation in Candidates(context.Record))
        {
            if (!ObservationValue.IsResult(observation, _options.PreliminaryCounts) || !Locate(context.Record, observation, out var part)
                || !where.Admits(observation))
            {
                continue;
            }

            var when = context.Record.Index.TimeOf(observation);
            if (since is { } start && (when is null || context.Record.Index.LatestTimeOf(observation) < start || when > latestAllowed))
            {
                continue;
            }

            var value = ObservationValue.Of(observation, part);
            if (value is null && (part is not null || observation.Interpretation.Count == 0))
            {
                continue; // recorded without a value: not a result
            }

            results.Add(new Result(observation, when, value, ObservationValue.Numeric(value, _answers)));
        }

        return results;
    }

    private bool Readable(Result result) => test switch
    {
        ObservationTest.Value => result.Quantity is { } q && Ucum.TryConvert(q.Value!.Value, q.Code ?? q.Unit, comparison!.Unit ?? q.Code ?? q.Unit ?? "1", out _),
        ObservationTest.Coded => result.Value is CodeableConcept || result.Observation.Interpretation.Count > 0,
        ObservationTest.Text => result.Value is FhirString or CodeableConcept || result.Observation.Interpretation.Count > 0,
        _ => true,
    };

    private string Needs() => test switch
    {
        ObservationTest.Value => comparison!.Unit is { } unit ? $"a number in {unit}" : "a number",
        ObservationTest.Coded => "a coded result",
        _ => "a text result",
    };

    private bool? Passes(IFactContext context, Result result, string name, out string explanation)
    {
        switch (test)
        {
            case ObservationTest.Value:
                var quantity = result.Quantity!;
                var unit = quantity.Code ?? quantity.Unit;
                Ucum.TryConvert(quantity.Value!.Value, unit, comparison!.Unit ?? unit ?? "1", out var value);
                explanation = $"latest {name} {Describe(result, name).Value} {comparison.Describe()}";
                return comparison.Holds(value);
            case ObservationTest.Coded:
                explanation = $"latest {name} result coded in {coded!.Title}";
                return coded.Match(result.Value as CodeableConcept) is not null || result.Observation.Interpretation.Any(i => coded.Match(i) is not null);
            default:
                explanation = $"latest {name} result is one of [{string.Join(", ", texts!)}]";
                return TextMatches(result);
        }
    }

    private string Scope() => within is null ? "" : $" in the last {within.Describe()}";

    private bool TextMatches(Result result)
    {
        var observation = result.Observation;
        var candidates = result.Value switch
        {
            FhirString s => [s.Value],
            CodeableConcept c => c.Coding.Select(x => x.Display).Append(c.Text),
            _ => [],
        };
        candidates = candidates.Concat(observation.Interpretation.SelectMany(i => i.Coding.Select(x => x.Display).Append(i.Text)));
        return candidates.Any(v => v is not null && texts!.Contains(v.Trim(), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Observations coded in the set (or, for a component, coded as the component itself or as a panel holding it),
    /// from the record's per-value-set index: no scan of the whole record per fact.
    /// </summary>
    private IEnumerable<Observation> Candidates(PatientRecord record)
    {
        if (component is null)
        {
            // Coded in the set, or a panel carrying such a reading as a component (the PHQ-9 total inside its panel).
            var panels = record.Index.PanelsWithComponentIn(valueSet);
            return panels.Count == 0 ? record.Index.ObservationsCodedIn(valueSet) : record.Index.ObservationsCodedIn(valueSet).Concat(panels);
        }

        // Standalone readings first, then panels that are not themselves coded as the component (each once).
        var standalone = record.Index.ObservationsCodedIn(component);
        return standalone.Concat(record.Index.ObservationsCodedIn(valueSet).Where(o => record.Index.Match(component, o.Code) is null));
    }

    /// <summary>Whether the observation matches, and the component the fact reads (null: the observation's own value).</summary>
    private bool Locate(PatientRecord record, Observation observation, out Observation.ComponentComponent? part)
    {
        part = null;
        if (component is not null)
        {
            if (record.Index.Match(component, observation.Code) is not null)
            {
                return true;
            }

            if (record.Index.Match(valueSet, observation.Code) is null)
            {
                return false;
            }

            part = observation.Component.FirstOrDefault(c => record.Index.Match(component, c.Code) is not null);
            return part is not null;
        }

        if (record.Index.Match(valueSet, observation.Code) is not null)
        {
            return true;
        }

        part = observation.Component.FirstOrDefault(c => record.Index.Match(valueSet, c.Code) is not null);
        return part is not null;
    }

    private static EvidenceItem Describe(Result result, string name) =>
        ObservationEvidence.Describe(result.Observation, result.When, result.Value, result.Quantity, name);
}
