using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// <c>fact: draftOrder</c>: a property of the draft ketamine orders. <c>dosePerKg</c> divides the ordered dose (mg,
/// summed over every ketamine draft, read by <see cref="DoseReader"/>) by the latest body weight in <c>valueSet</c>
/// within <c>within</c> (or reads a dose already ordered in mg/kg); <c>doseMg</c> is the ordered dose;
/// <c>durationMinutes</c> the infusion duration from the timing, or dose / rate. A dose the orders state in a way
/// that cannot be read is unknown (the card says what was read), never zero.
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

        var orderRef = context.KetamineOrders.Count == 1 ? $"MedicationRequest/{order.Id}" : $"{context.KetamineOrders.Count} ketamine draft orders";

        // A bent element of the order's dosage or medication was taken out when it was read: what the order says about
        // the dose cannot be trusted, so the check says it could not be made, naming the element.
        var ids = context.KetamineOrders.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var defect = context.Hook.DraftDefects.FirstOrDefault(d => d.ResourceType == "MedicationRequest" && (d.Id is null || ids.Contains(d.Id))
            && d.Element is { } element && (element.StartsWith("dosageInstruction", StringComparison.Ordinal) || element.StartsWith("medication", StringComparison.Ordinal)
                || element.StartsWith("dispenseRequest", StringComparison.Ordinal)));
        if (defect is not null)
        {
            return ConditionResult.Unknown($"the order could not be read enough to check its {(property == DurationMinutes ? "duration" : "dose")}: {defect.Describe()}",
                [new EvidenceItem(orderRef, "Ordered dose", null, null, defect.Describe())]);
        }
        if (property == DurationMinutes)
        {
            var dosage = order.DosageInstruction.FirstOrDefault();
            var doseAndRate = DoseReader.Preferred(dosage);
            return CompareDuration(dosage, doseAndRate, doseAndRate?.Dose as Quantity ?? (doseAndRate?.Dose as Hl7.Fhir.Model.Range)?.High, orderRef);
        }

        var dose = DoseReader.Read(context.KetamineOrders, context.Record.Medications);
        if (dose.Problem is not null)
        {
            // Undecidable, and said so: the dose check's card becomes "check incomplete" with what was read.
            return ConditionResult.Unknown($"the dose could not be checked against weight: {dose.Problem} (read: {dose.Read})",
                [new EvidenceItem(orderRef, "Ordered dose", dose.Read, null, dose.Problem)]);
        }

        return property == DoseMg ? CompareMg(dose, orderRef) : ComparePerKg(context, dose, orderRef);
    }

    private ConditionResult CompareMg(DoseReader.Reading dose, string orderRef) =>
        dose.Mg is { } mg
            ? Result(mg, "mg", "Ordered dose", orderRef, dose.Read)
            : ConditionResult.Unknown($"the dose is ordered per kg ({dose.Read}), not in mg");

    private ConditionResult ComparePerKg(IFactContext context, DoseReader.Reading dose, string orderRef)
    {
        if (dose.MgPerKg is { } ordered)
        {
            return Result(ordered, "mg/kg", "Ordered dose", orderRef, dose.Read);
        }

        var mg = dose.Mg!.Value;
        var since = weightWithin?.Since(context.Now);
        // The latest weight result (the first recorded wins a tie): final, amended or corrected, with a value.
        (Observation? Observation, DateTimeOffset? When) weight = default;
        foreach (var observation in context.Record.Index.ObservationsCodedIn(weightSet!))
        {
            if (observation.Value is not Quantity { Value: not null } || observation.DataAbsentReason is not null
                || !ObservationValue.IsResult(observation, preliminaryCounts: false))
            {
                continue;
            }

            var when = context.Record.Index.TimeOf(observation);
            if ((since is null || context.Record.Index.LatestTimeOf(observation) >= since)
                && (weight.Observation is null || (when ?? DateTimeOffset.MinValue) > (weight.When ?? DateTimeOffset.MinValue)))
            {
                weight = (observation, when);
            }
        }

        if (weight.Observation is null)
        {
            // Not "no concern": the data-gap rule for a missing weight (KET-36-NO-WEIGHT) is the visible card here,
            // with its "record body weight" action; a second "check incomplete" card would say the same thing.
            return ConditionResult.Of(false, [], $"no body weight{(weightWithin is null ? "" : $" in the last {weightWithin.Describe()}")} to compute mg/kg; the missing-weight card covers it");
        }

        var quantity = (Quantity)weight.Observation.Value!;
        if (!Ucum.TryConvert(quantity.Value!.Value, quantity.Code ?? quantity.Unit, "kg", out var kg) || kg <= 0)
        {
            return ConditionResult.Unknown($"body weight unit '{quantity.Code ?? quantity.Unit}' cannot be read as kg");
        }

        var perKg = Math.Round(mg / kg, 3);
        var weightEvidence = new EvidenceItem($"Observation/{weight.Observation.Id}", "Body weight",
            $"{kg.ToString("0.#", CultureInfo.InvariantCulture)} kg", weight.When);
        var result = Result(perKg, "mg/kg", "Ordered dose per kg", orderRef,
            $"{mg.ToString("0.##", CultureInfo.InvariantCulture)} mg ordered ({dose.Read})");
        return result with { Evidence = [.. result.Evidence, weightEvidence] };
    }

    private ConditionResult CompareDuration(Dosage? dosage, Dosage.DoseAndRateComponent? doseAndRate, Quantity? dose, string orderRef)
    {
        if (DoseReader.DurationMinutes(dosage) is { } m)
        {
            return Result(m, "min", "Infusion duration", orderRef);
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
        return ConditionResult.Of(comparison.Holds(value), [new EvidenceItem(orderRef, label, shown, null, note)],
            () => $"{label.ToLowerInvariant()} {shown} {comparison.Describe()}");
    }
}
