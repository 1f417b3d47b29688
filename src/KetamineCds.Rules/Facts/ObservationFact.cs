using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;
using Evidence = KetamineCds.Rules.Conditions.Evidence;

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

/// <summary>
/// <c>fact: observation</c>: observations coded in <c>valueSet</c> within the window (entered-in-error and cancelled
/// ones ignored). Tests the latest one's value (UCUM-aware; with <c>component</c> the value of the matching component,
/// as in the blood-pressure panel, or of a standalone observation coded as that component), its coded result, its
/// text result, how many there are, or that there are none.
/// </summary>
internal sealed class ObservationFact(
    ValueSetIndex valueSet,
    ValueSetIndex? component,
    LookBack? within,
    ObservationTest test,
    Comparison? comparison,
    ValueSetIndex? coded,
    IReadOnlyList<string>? texts,
    FhirPathFilter? where) : ICondition
{
    public ConditionResult Evaluate(IFactContext context)
    {
        var since = within?.Since(context.Now);
        var latestAllowed = context.Now.AddDays(1);
        // Count and exists list what they found; the other tests read only the latest observation.
        var keepAll = test is ObservationTest.Exists or ObservationTest.Count;
        List<(Observation Observation, DateTimeOffset? When, Quantity? Quantity)>? matches = null;
        (Observation? Observation, DateTimeOffset? When, Quantity? Quantity) latest = default;
        var found = 0;
        foreach (var observation in Candidates(context.Record))
        {
            if (observation.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled)
            {
                continue;
            }

            var quantity = QuantityOf(context.Record, observation, out var isMatch);
            if (!isMatch || !where.Admits(observation))
            {
                continue;
            }

            var when = context.Record.TimeOf(observation);
            if (since is { } start && (when is null || when < start || when > latestAllowed))
            {
                continue;
            }

            found++;
            if (keepAll)
            {
                (matches ??= []).Add((observation, when, quantity));
            }
            else if ((test != ObservationTest.Value || quantity?.Value is not null)
                && (latest.Observation is null || (when ?? DateTimeOffset.MinValue) > (latest.When ?? DateTimeOffset.MinValue)))
            {
                latest = (observation, when, quantity); // the first recorded wins a tie
            }
        }

        var name = component?.Title ?? valueSet.Title;
        switch (test)
        {
            case ObservationTest.Absent:
                return ConditionResult.Of(found == 0, found == 0 ? [new Evidence(null, name, "none recorded", null, $"none{Scope()}")] : [],
                    () => found == 0 ? $"no {name}{Scope()}" : $"{found} {name}{Scope()}");
            case ObservationTest.Exists:
            case ObservationTest.Count:
                var holds = test == ObservationTest.Exists ? found > 0 : comparison!.Holds(found);
                IReadOnlyList<Evidence> listed = matches is null ? []
                    : [.. matches.OrderByDescending(m => m.When).Take(5).Select(m => Describe(m.Observation, m.When, m.Quantity, name))];
                return ConditionResult.Of(holds, listed, () => $"{found} {name}{Scope()}" + (comparison is null ? "" : $" {comparison.Describe()}"));
        }

        if (latest.Observation is null)
        {
            return ConditionResult.Of(false, [], () => $"no {name} with a result{Scope()}");
        }

        var evidence = Describe(latest.Observation, latest.When, latest.Quantity, name);
        return test switch
        {
            ObservationTest.Value => CompareValue(latest.Quantity!, evidence, name),
            ObservationTest.Coded => ConditionResult.Of(coded!.Match(latest.Observation.Value as CodeableConcept) is not null
                || latest.Observation.Interpretation.Any(i => coded.Match(i) is not null), [evidence], () => $"latest {name} result coded in {coded.Title}"),
            _ => ConditionResult.Of(TextMatches(latest.Observation), [evidence], () => $"latest {name} result is one of [{string.Join(", ", texts!)}]"),
        };
    }

    private string Scope() => within is null ? "" : $" in the last {within.Describe()}";

    private ConditionResult CompareValue(Quantity quantity, Evidence evidence, string name)
    {
        var unit = quantity.Code ?? quantity.Unit;
        var target = comparison!.Unit ?? unit ?? "1";
        if (!Ucum.TryConvert(quantity.Value!.Value, unit, target, out var value))
        {
            return ConditionResult.Unknown($"latest {name} is in '{unit}', which cannot be compared with {comparison.Unit}", [evidence]);
        }

        return ConditionResult.Of(comparison.Holds(value), [evidence], () => $"latest {name} {evidence.Value} {comparison.Describe()}");
    }

    private bool TextMatches(Observation observation)
    {
        var candidates = observation.Value switch
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
            return record.ObservationsCodedIn(valueSet);
        }

        // Standalone readings first, then panels that are not themselves coded as the component (each once).
        var standalone = record.ObservationsCodedIn(component);
        return standalone.Concat(record.ObservationsCodedIn(valueSet).Where(o => record.Match(component, o.Code) is null));
    }

    /// <summary>Whether the observation matches, and the quantity the fact reads from it.</summary>
    private Quantity? QuantityOf(PatientRecord record, Observation observation, out bool isMatch)
    {
        if (component is not null)
        {
            if (record.Match(component, observation.Code) is not null)
            {
                isMatch = true;
                return observation.Value as Quantity;
            }

            if (record.Match(valueSet, observation.Code) is null)
            {
                isMatch = false;
                return null;
            }

            isMatch = true;
            return observation.Component.FirstOrDefault(c => record.Match(component, c.Code) is not null)?.Value as Quantity;
        }

        isMatch = record.Match(valueSet, observation.Code) is not null;
        return isMatch ? observation.Value as Quantity : null;
    }

    private static Evidence Describe(Observation observation, DateTimeOffset? when, Quantity? quantity, string name)
    {
        var value = quantity?.Value is { } v
            ? $"{v.ToString("0.##", CultureInfo.InvariantCulture)} {ShownUnit(quantity)}".TrimEnd()
            : observation.Value switch
            {
                FhirString s => s.Value,
                CodeableConcept c => c.Text ?? c.Coding.FirstOrDefault()?.Display ?? c.Coding.FirstOrDefault()?.Code,
                _ => null,
            };
        // The record's own name for the test reads best ("PHQ-9 total score"); the value set title is the fallback.
        // A component value (systolic in a BP panel) is named by its component, not by the panel.
        var code = observation.Component.FirstOrDefault(c => ReferenceEquals(c.Value, quantity))?.Code ?? observation.Code;
        var label = code?.Text ?? code?.Coding.FirstOrDefault(c => c.Display is not null)?.Display ?? name;
        return new Evidence($"Observation/{observation.Id}", label, value, when);
    }

    // Annotations such as {score} are UCUM's way of saying "a count": show the number alone.
    private static string ShownUnit(Quantity quantity)
    {
        var unit = quantity.Unit ?? quantity.Code ?? "";
        return unit is "1" || (unit.StartsWith('{') && unit.EndsWith('}')) ? "" : unit;
    }
}
