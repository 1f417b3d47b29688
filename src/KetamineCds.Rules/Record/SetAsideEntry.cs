using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Record;

/// <summary>
/// A resource of the record that could not be read and was set aside, so that the rest of the record is still
/// advised on: where it came from, which entry, the element that is bent, and why, in words for the incomplete card
/// ("prefetch observations, entry 37 (Observation/o-12): effectiveDateTime 'yesterday' is not a FHIR dateTime").
/// </summary>
/// <param name="Source">Where the entry came from: "prefetch observations", "FHIR search Observation", "draft orders".</param>
/// <param name="Entry">The entry's index in its Bundle; null for a resource sent on its own.</param>
/// <param name="ResourceType">The resource type when it could be read.</param>
/// <param name="Id">The resource id when it could be read.</param>
/// <param name="Element">The element as written in the JSON, e.g. <c>effectiveDateTime</c>; null when the entry as a whole is unreadable.</param>
/// <param name="Reason">What is wrong with it, in words.</param>
/// <param name="Code">The entry's code (or medication), when the JSON still shows it: which rules its loss can touch.</param>
public sealed record SetAsideEntry(string Source, int? Entry, string? ResourceType, string? Id, string? Element, string Reason, CodeableConcept? Code = null)
{
    /// <summary>"prefetch observations, entry 37 (Observation/o-12): effectiveDateTime 'yesterday' is not a FHIR dateTime".</summary>
    public string Describe()
    {
        var where = Entry is { } index ? $"{Source}, entry {index}" : Source;
        var what = ResourceType is null ? "" : Id is null ? $" ({ResourceType})" : $" ({ResourceType}/{Id})";
        return $"{where}{what}: {(Element is null ? "" : Element + " ")}{Reason}";
    }
}
