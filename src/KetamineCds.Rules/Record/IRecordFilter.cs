using System.Text.Json;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Which entries of a record are worth building into FHIR objects: those a rule could read, judged from the entry's
/// JSON alone (type, codes, date) before it is parsed. The compiled pack provides it; null reads everything.
/// </summary>
public interface IRecordFilter
{
    /// <summary>Whether a rule could read this resource. <paramref name="resource"/> is its JSON object.</summary>
    bool Wants(string resourceType, JsonElement resource);
}
