using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace KetamineCds.Rules.Record;

/// <summary>
/// How every FHIR resource the rules read is parsed, in live calls and in the pack's test cases alike, so the go-live
/// gate exercises the live input path (<see cref="RecordReader"/> applies it entry by entry). Firely's
/// backwards-compatible mode on purpose: it lets pass what newer or local data carries and no rule reads (unknown
/// elements, codes outside a required binding, unknown resource types), and it reports, with the element's path, the
/// defects that would make a rule misread the data (a date that is not a date, a number written as text), so that
/// entry alone is set aside and named. Per resource it costs what the Ostrich mode costs (measured on a 716-entry
/// Synthea record, the three modes within 10 % of each other).
/// </summary>
public static class FhirParsing
{
    public static FhirJsonDeserializer Deserializer { get; } = new(new DeserializerSettings().UsingMode(DeserializationMode.BackwardsCompatible));

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
