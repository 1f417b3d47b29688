using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace KetamineCds.Rules.Record;

/// <summary>
/// How every FHIR resource the rules read is parsed, in live calls and in the pack's test cases alike, so the go-live
/// gate exercises the live input path. Firely's Ostrich mode on purpose: EHR data carries local extensions and minor
/// deviations, and one odd element must not discard a patient's whole record; it is also about four times faster than
/// the validating mode, and parsing is the dominant cost of a call. Resource types are still checked by the callers.
/// </summary>
public static class FhirParsing
{
    public static FhirJsonDeserializer Deserializer { get; } = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));

    /// <summary>The resources of a Bundle (OperationOutcome entries left out: a server's notes, not patient data), or the resource itself.</summary>
    /// <exception cref="FormatException">The bundle's structure is broken (Firely reports data it could not bind when it is read).</exception>
    public static IEnumerable<Resource> Flatten(Resource? resource)
    {
        try
        {
            return resource switch
            {
                null => [],
                Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Resource>().Where(r => r is not OperationOutcome).ToList(),
                _ => [resource],
            };
        }
        catch (CodedException ex)
        {
            throw new FormatException("not a valid FHIR Bundle", ex);
        }
    }
}
