using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Turns FHIR date-bearing elements into instants. Partial dates take their earliest instant, in UTC (an age is
/// counted from it); look-backs use <see cref="LatestOf"/>, the latest instant the date could mean.
/// </summary>
internal static class FhirTime
{
    public static DateTimeOffset? Of(DataType? value) => value switch
    {
        FhirDateTime dateTime => Parse(dateTime.Value),
        Date date => Parse(date.Value),
        Instant instant => instant.Value,
        Period period => Parse(period.Start) ?? Parse(period.End),
        FhirString text => Parse(text.Value),
        _ => null,
    };

    /// <summary>
    /// A FHIR date, dateTime or instant as an instant. The forms the FHIR grammar allows (YYYY, YYYY-MM, YYYY-MM-DD,
    /// YYYY-MM-DDThh:mm:ss[.fffffff](Z|±hh:mm)) are read directly; anything else goes to the Firely SDK, whose answer
    /// the direct reading matches (FhirTimeTests). Why not always Firely: its parser costs about 2 µs a value, and
    /// one evaluation reads every medication's dates in several facts (the profile put it at a fifth of evaluation).
    /// </summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (FhirDateTimeText.TryRead(value, out var read))
        {
            return read;
        }

        return new FhirDateTime(value).TryToDateTimeOffset(TimeSpan.Zero, out var parsed) ? parsed : null;
    }

    public static DateTimeOffset? EndOf(DataType? value) => value switch
    {
        Period period => Parse(period.End),
        _ => null,
    };

    /// <summary>
    /// The latest instant a date could mean: a partial date ("2026", "2026-03") or a bare day stands for a whole
    /// year, month or day, and a look-back must not drop an event that may have happened at its end. Full
    /// date-times are themselves.
    /// </summary>
    public static DateTimeOffset? LatestOf(DataType? value) => value switch
    {
        FhirDateTime dateTime => LatestParse(dateTime.Value),
        Date date => LatestParse(date.Value),
        Period period => LatestParse(period.Start) ?? LatestParse(period.End),
        _ => Of(value),
    };

    internal static DateTimeOffset? LatestParse(string? value)
    {
        var earliest = Parse(value);
        return earliest is not { } start || value is null ? earliest : value.Length switch
        {
            4 => start.AddYears(1).AddTicks(-1),
            7 => start.AddMonths(1).AddTicks(-1),
            10 => start.AddDays(1).AddTicks(-1),
            _ => start,
        };
    }

    public static DateTimeOffset? ObservationLatestTime(Observation observation) =>
        LatestOf(observation.Effective) ?? observation.Issued;

    public static DateTimeOffset? ConditionLatestTime(Condition condition) =>
        LatestOf(condition.Onset) ?? LatestParse(condition.RecordedDate);

    public static DateTimeOffset? ObservationTime(Observation observation) =>
        Of(observation.Effective) ?? observation.Issued;

    public static DateTimeOffset? ConditionTime(Condition condition) =>
        Of(condition.Onset) ?? Parse(condition.RecordedDate);
}
