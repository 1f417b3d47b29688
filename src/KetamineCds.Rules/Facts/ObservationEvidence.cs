using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// How an observation reads on a card, as a clinician reads it: the record's own name for the test, the value with
/// its unit (a coded answer with the score it counted as), a blood pressure as the whole reading.
/// </summary>
internal static class ObservationEvidence
{
    public static EvidenceItem Describe(Observation observation, DateTimeOffset? when, DataType? value, Quantity? quantity, string name)
    {
        var number = quantity?.Value is { } v ? $"{v.ToString("0.##", CultureInfo.InvariantCulture)} {ShownUnit(quantity)}".TrimEnd() : null;
        var shown = value switch
        {
            // A coded answer shows its words and the score it counted as: "More than half the days (2)".
            CodeableConcept c when number is not null => $"{c.Text ?? c.Coding.FirstOrDefault()?.Display ?? c.Coding.FirstOrDefault()?.Code} ({number})",
            _ when number is not null => number,
            FhirString s => s.Value,
            CodeableConcept c => c.Text ?? c.Coding.FirstOrDefault()?.Display ?? c.Coding.FirstOrDefault()?.Code,
            null => observation.Interpretation.FirstOrDefault() is { } i ? i.Text ?? i.Coding.FirstOrDefault()?.Display ?? i.Coding.FirstOrDefault()?.Code : null,
            _ => null,
        };
        // A blood-pressure reading is read as one: "150/110 mm[Hg]", whichever of its two pressures fired the rule, so
        // the clinician sees the reading rather than half of it.
        if (PressurePair(observation) is { } pair)
        {
            var panel = observation.Code?.Text ?? observation.Code?.Coding.FirstOrDefault(c => c.Display is not null)?.Display ?? name;
            return new EvidenceItem($"Observation/{observation.Id}", panel, pair, when);
        }

        // The record's own name for the test reads best ("PHQ-9 total score"); the value set title is the fallback.
        // A component value is named by its component, not by the panel.
        var code = observation.Component.FirstOrDefault(c => ReferenceEquals(c.Value, value))?.Code ?? observation.Code;
        var label = code?.Text ?? code?.Coding.FirstOrDefault(c => c.Display is not null)?.Display ?? name;
        return new EvidenceItem($"Observation/{observation.Id}", label, shown, when);
    }

    /// <summary>Two pressures in one observation (a BP panel): "systolic/diastolic unit", the higher first.</summary>
    private static string? PressurePair(Observation observation)
    {
        var pressures = observation.Component
            .Select(c => c.DataAbsentReason is null ? c.Value as Quantity : null)
            .Where(q => q?.Value is not null && (q.Code ?? q.Unit) is "mm[Hg]" or "mmHg")
            .Select(q => q!.Value!.Value)
            .ToList();
        return pressures.Count == 2
            ? $"{Math.Max(pressures[0], pressures[1]).ToString("0.##", CultureInfo.InvariantCulture)}/{Math.Min(pressures[0], pressures[1]).ToString("0.##", CultureInfo.InvariantCulture)} mm[Hg]"
            : null;
    }

    // Annotations such as {score} are UCUM's way of saying "a count": show the number alone.
    private static string ShownUnit(Quantity quantity)
    {
        var unit = quantity.Unit ?? quantity.Code ?? "";
        return unit is "1" || (unit.StartsWith('{') && unit.EndsWith('}')) ? "" : unit;
    }
}
