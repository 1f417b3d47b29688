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

    public static DateTimeOffset? Parse(string? value) =>
        value is not null && new FhirDateTime(value).TryToDateTimeOffset(TimeSpan.Zero, out var parsed) ? parsed : null;

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
