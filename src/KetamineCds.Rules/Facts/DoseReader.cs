using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// The one reader of doses, for every fact that weighs one:
/// <list type="bullet">
/// <item>the total ketamine dose of the draft orders (<see cref="Read"/>), from the shapes orders are written in: a
/// dose quantity or the high end of a dose range (in mg, with the synonyms EHRs send, or already in mg/kg), a rate
/// (mg/kg/h, mg/h, mg/min, or a ratio such as 20 mg per 1 h) times the infusion duration, or a volume (mL) times the
/// product's strength from its RxNorm name ("ketamine 10 MG/ML injectable solution"). Two drafts of ketamine in one
/// order session are summed: the patient gets both. Anything that cannot be read is reported with what was read, so
/// the card can say why the dose was not checked;</item>
/// <item>a daily dose in mg from a dosage (<see cref="DailyMg"/>), as the antidepressant trial count weighs each course;</item>
/// <item>a daily dose from a pharmacy fill (<see cref="DispensedDailyMg"/>): quantity × strength ÷ days' supply.</item>
/// </list>
/// Strengths come from RxNorm clinical-drug names, which carry them: "sertraline 100 MG Oral Tablet" (mg per unit),
/// "ketamine 50 MG/ML Injectable Solution" (mg per mL).
/// </summary>
internal static partial class DoseReader
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

    public static Reading Read(IReadOnlyList<MedicationRequest> orders, MedicationResolver medications)
    {
        decimal mg = 0, perKg = 0;
        var reads = new List<string>();
        foreach (var order in orders)
        {
            var one = ReadOne(order, medications);
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

    /// <summary>
    /// The dose entry a dosage means: R4 lets <c>doseAndRate</c> repeat with a <c>type</c> (Epic's R4 orders list an
    /// admin-amount in mL, then the calculated and ordered doses in mg, in either order), so the entry whose dose is a
    /// mass (or mg/kg) is the dose; else the first whose rate is one; else the first. Reading only the first entry turned
    /// an 84 mg order written as 8.4 mL first into "check incomplete".
    /// </summary>
    public static Dosage.DoseAndRateComponent? Preferred(Dosage? dosage)
    {
        var entries = dosage?.DoseAndRate;
        if (entries is null || entries.Count == 0)
        {
            return null;
        }

        return entries.FirstOrDefault(e => IsMass(DoseQuantity(e)))
            ?? entries.FirstOrDefault(e => e.Rate is Quantity rate && Canonical(rate) is "mg/kg/h" or "mg/h" or "mg/min" || e.Rate is Ratio { Numerator: { } top } && IsMass(top))
            ?? entries[0];
    }

    private static Quantity? DoseQuantity(Dosage.DoseAndRateComponent entry) => entry.Dose switch
    {
        Quantity q => q,
        Hl7.Fhir.Model.Range r => r.High,
        _ => null,
    };

    private static bool IsMass(Quantity? quantity) =>
        quantity is not null && Canonical(quantity) is { } unit && (unit == "mg/kg" || Ucum.TryConvert(1, unit, "mg", out _));

    private static Reading ReadOne(MedicationRequest order, MedicationResolver medications)
    {
        var dosage = order.DosageInstruction.FirstOrDefault();
        var doseAndRate = Preferred(dosage);
        var dose = doseAndRate?.Dose switch
        {
            Quantity q => q,
            Hl7.Fhir.Model.Range r => r.High,
            _ => null,
        };
        var minutes = DurationMinutes(dosage);
        var strength = MgPerMl(medications.Concept(order.Medication, order));

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

    /// <summary>The concentration in mg per mL from a clinical-drug name ("ketamine 50 MG/ML injectable solution" → 50).</summary>
    public static decimal? MgPerMl(CodeableConcept? concept) => FromName(concept, PerMlPattern());

    /// <summary>The strength in mg per unit from a clinical-drug name ("sertraline 100 MG Oral Tablet" → 100).</summary>
    public static decimal? MgPerUnit(CodeableConcept? concept) => FromName(concept, PerUnitPattern());

    private static decimal? FromName(CodeableConcept? concept, Regex pattern)
    {
        foreach (var name in (concept?.Coding.Select(c => c.Display) ?? []).Append(concept?.Text))
        {
            if (name is not null && pattern.Match(name) is { Success: true } match
                && decimal.TryParse(match.Groups[1].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var strength))
            {
                return strength;
            }
        }

        return null;
    }

    /// <summary>Daily dose in mg from a dosage: dose (mg, or units × strength from the drug name) × times per day.</summary>
    public static decimal? DailyMg(CodeableConcept? concept, Dosage? dosage)
    {
        var dose = Preferred(dosage)?.Dose as Quantity;
        if (dose?.Value is null)
        {
            return null;
        }

        decimal perDose;
        if (Ucum.TryConvert(dose.Value.Value, dose.Code ?? dose.Unit, "mg", out var mg))
        {
            perDose = mg;
        }
        else if (MgPerUnit(concept) is { } strength)
        {
            perDose = dose.Value.Value * strength;
        }
        else
        {
            return null;
        }

        var repeat = dosage!.Timing?.Repeat;
        var frequency = repeat?.Frequency ?? 1;
        var period = repeat?.Period ?? 1m;
        var perDay = repeat?.PeriodUnit switch
        {
            Timing.UnitsOfTime.H => 24m / period,
            Timing.UnitsOfTime.Wk => 1m / (7m * period),
            null or Timing.UnitsOfTime.D => 1m / period,
            _ => (decimal?)null,
        };
        return perDay is null ? null : perDose * frequency * perDay;
    }

    /// <summary>
    /// The daily dose a pharmacy fill implies when it states none: quantity dispensed (units, or mg) × strength per unit
    /// ÷ days' supply ("sertraline 100 MG", 30 tablets for 30 days → 100 mg/day). Null when any part is missing.
    /// </summary>
    public static decimal? DispensedDailyMg(CodeableConcept? concept, Quantity? quantity, Quantity? daysSupply)
    {
        if (quantity?.Value is not { } amount || daysSupply?.Value is not { } days || days <= 0
            || (daysSupply.Code ?? daysSupply.Unit)?.ToLowerInvariant() is not (null or "d" or "day" or "days"))
        {
            return null;
        }

        var totalMg = Ucum.TryConvert(amount, quantity.Code ?? quantity.Unit, "mg", out var mg) ? mg
            : MgPerUnit(concept) is { } strength ? amount * strength
            : (decimal?)null;
        return totalMg / days;
    }

    // "50 MG/ML"; "100 MG" but not "10 MG/ML" (a concentration needs a volume to become a dose).
    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*MG\b(?!\s*/)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PerUnitPattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*MG/ML", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PerMlPattern();
}
