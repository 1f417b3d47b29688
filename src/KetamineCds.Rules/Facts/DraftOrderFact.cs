using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;
using Evidence = KetamineCds.Rules.Conditions.Evidence;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: draftOrder</c>: a property of the draft ketamine order. <c>dosePerKg</c> divides the ordered dose (mg) by
/// the latest body weight in <c>valueSet</c> within <c>within</c> (or reads a dose already ordered in mg/kg);
/// <c>doseMg</c> is the ordered dose; <c>durationMinutes</c> the infusion duration from the timing, or dose / rate.
/// A property the order does not state is unknown, never zero.
/// </summary>
internal sealed class DraftOrderFact(string property, Comparison comparison, ValueSetIndex? weightSet, LookBack? weightWithin) : ICondition
{
    public const string DosePerKg = "dosePerKg";
    public const string DoseMg = "doseMg";
    public const string DurationMinutes = "durationMinutes";
    public static readonly IReadOnlySet<string> Properties = new HashSet<string> { DosePerKg, DoseMg, DurationMinutes };

    public ConditionResult Evaluate(IFactContext context)
    {
        var order = context.KetamineOrders.Count > 0 ? context.KetamineOrders[0] : null;
        if (order is null)
        {
            return ConditionResult.Of(false, [], "no draft ketamine order");
        }

        var dosage = order.DosageInstruction.FirstOrDefault();
        var doseAndRate = dosage?.DoseAndRate.FirstOrDefault();
        var dose = doseAndRate?.Dose switch
        {
            Quantity q => q,
            Hl7.Fhir.Model.Range r => r.High,
            _ => null,
        };
        var orderRef = $"MedicationRequest/{order.Id}";

        return property switch
        {
            DoseMg => CompareMg(dose, orderRef),
            DosePerKg => ComparePerKg(context, dose, orderRef),
            _ => CompareDuration(dosage, doseAndRate, dose, orderRef),
        };
    }

    private ConditionResult CompareMg(Quantity? dose, string orderRef)
    {
        if (dose?.Value is null || !Ucum.TryConvert(dose.Value.Value, dose.Code ?? dose.Unit, "mg", out var mg))
        {
            return ConditionResult.Unknown("the order does not state its dose in mass units");
        }

        return Result(mg, "mg", "Ordered dose", orderRef);
    }

    private ConditionResult ComparePerKg(IFactContext context, Quantity? dose, string orderRef)
    {
        if (dose?.Value is null)
        {
            return ConditionResult.Unknown("the order does not state a dose");
        }

        var unit = dose.Code ?? dose.Unit;
        if (unit == "mg/kg")
        {
            return Result(dose.Value.Value, "mg/kg", "Ordered dose", orderRef);
        }

        if (!Ucum.TryConvert(dose.Value.Value, unit, "mg", out var mg))
        {
            return ConditionResult.Unknown($"the ordered dose unit '{unit}' is not a mass");
        }

        var since = weightWithin?.Since(context.Now);
        // The latest usable weight (the first recorded wins a tie).
        (Observation? Observation, DateTimeOffset? When) weight = default;
        foreach (var observation in context.Record.ObservationsCodedIn(weightSet!))
        {
            if (observation.Value is not Quantity { Value: not null }
                || observation.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled)
            {
                continue;
            }

            var when = context.Record.TimeOf(observation);
            if ((since is null || when >= since) && (weight.Observation is null || (when ?? DateTimeOffset.MinValue) > (weight.When ?? DateTimeOffset.MinValue)))
            {
                weight = (observation, when);
            }
        }
        if (weight.Observation is null)
        {
            return ConditionResult.Unknown($"no body weight{(weightWithin is null ? "" : $" in the last {weightWithin.Describe()}")} to compute mg/kg");
        }

        var quantity = (Quantity)weight.Observation.Value!;
        if (!Ucum.TryConvert(quantity.Value!.Value, quantity.Code ?? quantity.Unit, "kg", out var kg) || kg <= 0)
        {
            return ConditionResult.Unknown($"body weight unit '{quantity.Code ?? quantity.Unit}' cannot be read as kg");
        }

        var perKg = Math.Round(mg / kg, 3);
        var weightEvidence = new Evidence($"Observation/{weight.Observation.Id}", "Body weight",
            $"{kg.ToString("0.#", CultureInfo.InvariantCulture)} kg", weight.When);
        var result = Result(perKg, "mg/kg", "Ordered dose per kg", orderRef,
            $"{mg.ToString("0.##", CultureInfo.InvariantCulture)} mg ordered");
        return result with { Evidence = [.. result.Evidence, weightEvidence] };
    }

    private ConditionResult CompareDuration(Dosage? dosage, Dosage.DoseAndRateComponent? doseAndRate, Quantity? dose, string orderRef)
    {
        var repeat = dosage?.Timing?.Repeat;
        if (repeat?.Duration is { } duration && repeat.DurationUnit is { } unit)
        {
            var minutes = unit switch
            {
                Timing.UnitsOfTime.S => duration / 60m,
                Timing.UnitsOfTime.Min => duration,
                Timing.UnitsOfTime.H => duration * 60m,
                _ => (decimal?)null,
            };
            if (minutes is { } m)
            {
                return Result(m, "min", "Infusion duration", orderRef);
            }
        }

        if (doseAndRate?.Rate is Quantity rate && rate.Value is > 0 && dose?.Value is { } doseValue)
        {
            var rateUnit = rate.Code ?? rate.Unit ?? "";
            var perMinute = rateUnit switch
            {
                "mg/min" => rate.Value.Value,
                "mg/h" => rate.Value.Value / 60m,
                _ => (decimal?)null,
            };
            if (perMinute is { } r && Ucum.TryConvert(doseValue, dose.Code ?? dose.Unit, "mg", out var mg))
            {
                return Result(Math.Round(mg / r, 1), "min", "Infusion duration (dose ÷ rate)", orderRef);
            }
        }

        return ConditionResult.Unknown("the order states no infusion duration or rate");
    }

    private ConditionResult Result(decimal value, string unit, string label, string orderRef, string? note = null)
    {
        var shown = $"{value.ToString("0.###", CultureInfo.InvariantCulture)} {unit}";
        return ConditionResult.Of(comparison.Holds(value), [new Evidence(orderRef, label, shown, null, note)],
            () => $"{label.ToLowerInvariant()} {shown} {comparison.Describe()}");
    }
}
