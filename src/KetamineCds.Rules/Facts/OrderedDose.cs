using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// The total ketamine dose of the draft orders, read from the shapes orders are written in: a dose quantity or the
/// high end of a dose range (in mg, with the synonyms EHRs send, or already in mg/kg), a rate (mg/kg/h, mg/h,
/// mg/min, or a ratio such as 20 mg per 1 h) times the infusion duration, or a volume (mL) times the product's
/// strength from its RxNorm name ("ketamine 10 MG/ML injectable solution"). Two drafts of ketamine in one order
/// session are summed: the patient gets both. Anything that cannot be read is reported with what was read, so the
/// card can say why the dose was not checked.
/// </summary>
internal static partial class OrderedDose
{
    /// <summary>Either a dose (mg, or mg/kg when the order says so) or the reason it could not be read.</summary>
    public sealed record Reading(decimal? Mg, decimal? MgPerKg, string Read, string? Problem);

    private static readonly Dictionary<string, string> UnitSynonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mg"] = "mg", ["milligram"] = "mg", ["milligrams"] = "mg", ["mgs"] = "mg",
        ["g"] = "g", ["gram"] = "g", ["ug"] = "ug", ["mcg"] = "ug", ["microgram"] = "ug",
        ["mL"] = "mL", ["ml"] = "mL", ["milliliter"] = "mL", ["millilitre"] = "mL",
        ["mg/kg"] = "mg/kg", ["mg/kg/h"] = "mg/kg/h", ["mg/kg/hr"] = "mg/kg/h", ["mg/h"] = "mg/h", ["mg/hr"] = "mg/h",
        ["mg/min"] = "mg/min", ["mL/h"] = "mL/h", ["ml/hr"] = "mL/h", ["mL/hr"] = "mL/h",
    };

    public static Reading Read(IReadOnlyList<MedicationRequest> orders)
    {
        decimal mg = 0, perKg = 0;
        var reads = new List<string>();
        foreach (var order in orders)
        {
            var one = ReadOne(order);
            reads.Add(one.Read);
            if (one.Problem is not null)
            {
                return one with { Read = string.Join("; ", reads) };
            }

            mg += one.Mg ?? 0;
            perKg += one.MgPerKg ?? 0;
        }

        if (mg > 0 && perKg > 0)
        {
            return new Reading(null, null, string.Join("; ", reads), "one draft is in mg and another in mg/kg");
        }

        return new Reading(mg > 0 ? mg : null, perKg > 0 ? perKg : null, string.Join(" + ", reads), null);
    }

    private static Reading ReadOne(MedicationRequest order)
    {
        var dosage = order.DosageInstruction.FirstOrDefault();
        var doseAndRate = dosage?.DoseAndRate.FirstOrDefault();
        var dose = doseAndRate?.Dose switch
        {
            Quantity q => q,
            Hl7.Fhir.Model.Range r => r.High,
            _ => null,
        };
        var minutes = DurationMinutes(dosage);
        var strength = StrengthMgPerMl(order);

        if (dose?.Value is { } amount)
        {
            var unit = Canonical(dose);
            var read = $"dose {amount.ToString("0.###", CultureInfo.InvariantCulture)} {dose.Unit ?? dose.Code}";
            return unit switch
            {
                "mg/kg" => new Reading(null, amount, read, null),
                "mL" when strength is { } s => new Reading(amount * s, null, $"{read} × {s.ToString("0.##", CultureInfo.InvariantCulture)} mg/mL", null),
                "mL" => new Reading(null, null, read, "the dose is a volume and the product's strength (mg/mL) is not named"),
                _ when unit is not null && Ucum.TryConvert(amount, unit, "mg", out var mg) => new Reading(mg, null, read, null),
                _ => new Reading(null, null, read, $"the dose unit '{dose.Unit ?? dose.Code ?? "none"}' is not a mass"),
            };
        }

        var (rate, rateUnit, rateRead) = Rate(doseAndRate?.Rate);
        if (rate is { } perTime)
        {
            if (minutes is not { } m)
            {
                return new Reading(null, null, rateRead, "the order gives a rate but no infusion duration");
            }

            var read = $"{rateRead} for {m.ToString("0.#", CultureInfo.InvariantCulture)} min";
            return rateUnit switch
            {
                "mg/kg/h" => new Reading(null, perTime * m / 60m, read, null),
                "mg/h" => new Reading(perTime * m / 60m, null, read, null),
                "mg/min" => new Reading(perTime * m, null, read, null),
                "mL/h" when strength is { } s => new Reading(perTime * m / 60m * s, null, $"{read} × {s.ToString("0.##", CultureInfo.InvariantCulture)} mg/mL", null),
                _ => new Reading(null, null, read, $"the rate unit '{rateUnit}' cannot be turned into mg"),
            };
        }

        return new Reading(null, null, "no dose or rate", "the order states neither a dose nor a rate");
    }

    /// <summary>The infusion duration in minutes from timing.repeat.duration, when the order gives one.</summary>
    public static decimal? DurationMinutes(Dosage? dosage)
    {
        var repeat = dosage?.Timing?.Repeat;
        return repeat?.Duration is { } duration ? repeat.DurationUnit switch
        {
            Timing.UnitsOfTime.S => duration / 60m,
            Timing.UnitsOfTime.Min => duration,
            Timing.UnitsOfTime.H => duration * 60m,
            _ => null,
        } : null;
    }

    private static (decimal? Rate, string? Unit, string Read) Rate(DataType? rate)
    {
        switch (rate)
        {
            case Quantity { Value: { } value } quantity:
                return (value, Canonical(quantity), $"rate {value.ToString("0.###", CultureInfo.InvariantCulture)} {quantity.Unit ?? quantity.Code}");
            case Ratio { Numerator.Value: { } top, Denominator.Value: { } bottom } ratio when bottom > 0:
                var per = Canonical(ratio.Denominator) switch { "h" or "hour" => 1m, "min" => 1m / 60m, _ => (decimal?)null };
                var numerator = Canonical(ratio.Numerator);
                var read = $"rate {top.ToString("0.###", CultureInfo.InvariantCulture)} {ratio.Numerator.Unit ?? ratio.Numerator.Code} per "
                    + $"{bottom.ToString("0.###", CultureInfo.InvariantCulture)} {ratio.Denominator.Unit ?? ratio.Denominator.Code}";
                if (per is not { } hours || numerator is null || !Ucum.TryConvert(top, numerator, "mg", out var mg))
                {
                    return (null, null, read);
                }

                return (mg / (bottom * hours), "mg/h", read);
            default:
                return (null, null, "no rate");
        }
    }

    private static string? Canonical(Quantity quantity)
    {
        var unit = (quantity.Code ?? quantity.Unit)?.Trim();
        return unit is null ? null : UnitSynonyms.TryGetValue(unit, out var canonical) ? canonical : unit;
    }

    // RxNorm clinical-drug names carry the strength: "ketamine 50 MG/ML injectable solution".
    private static decimal? StrengthMgPerMl(MedicationRequest order)
    {
        var concept = order.Medication as CodeableConcept;
        var names = (concept?.Coding.Select(c => c.Display) ?? []).Append(concept?.Text);
        foreach (var name in names)
        {
            if (name is not null && StrengthPattern().Match(name) is { Success: true } match
                && decimal.TryParse(match.Groups[1].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var strength))
            {
                return strength;
            }
        }

        return null;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*MG/ML", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StrengthPattern();
}
