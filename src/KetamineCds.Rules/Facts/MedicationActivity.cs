using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// pack.yaml <c>medicationActivity</c>, compiled: how long a pharmacy fill covers when it states no days' supply, and
/// how long after an administration the drug counts as current treatment. Defaults for sign-off: 30 days, 14 days.
/// </summary>
internal sealed record MedicationActivity(LookBack DefaultDaysSupply, LookBack AdministeredWithin)
{
    public static MedicationActivity Default { get; } = new(new LookBack(30, "d", "30d"), new LookBack(14, "d", "14d"));

    /// <summary>When a completed dispense handed over at <paramref name="start"/> runs out: its days' supply, else the default.</summary>
    public DateTimeOffset SupplyEnd(DateTimeOffset start, Quantity? daysSupply) =>
        SupplyEndOf(start, daysSupply) ?? start + (start - DefaultDaysSupply.Since(start));

    /// <summary>The end of a supply stated in days, weeks or months; null when none is stated.</summary>
    public static DateTimeOffset? SupplyEndOf(DateTimeOffset start, Quantity? supply)
    {
        if (supply?.Value is not { } amount)
        {
            return null;
        }

        return (supply.Code ?? supply.Unit)?.ToLowerInvariant() switch
        {
            "d" or "day" or "days" => start.AddDays((double)amount),
            "wk" or "week" or "weeks" => start.AddDays(7 * (double)amount),
            "mo" or "month" or "months" => start.AddDays(30 * (double)amount),
            _ => null,
        };
    }
}
