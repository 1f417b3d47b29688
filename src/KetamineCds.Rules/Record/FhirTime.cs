using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Record;

/// <summary>Turns FHIR date-bearing elements into instants. Partial dates take their earliest instant, in UTC.</summary>
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

    public static DateTimeOffset? ObservationTime(Observation observation) =>
        Of(observation.Effective) ?? observation.Issued;

    public static DateTimeOffset? ConditionTime(Condition condition) =>
        Of(condition.Onset) ?? Parse(condition.RecordedDate);
}
