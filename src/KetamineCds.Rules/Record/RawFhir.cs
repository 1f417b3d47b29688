using System.Text.Json;
using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Record;

/// <summary>
/// What can be read of a FHIR resource's JSON without building it: its type, id, codes and dates. Cheap (no
/// allocation beyond the strings asked for) and lenient (an object where a list is due is read as a list of one; a
/// value of the wrong JSON kind reads as absent), so an entry can be judged before, or instead of, being parsed.
/// </summary>
internal static class RawFhir
{
    public static string? String(JsonElement element, string property) =>
        TryGetSingle(element, property, out var value) && value.ValueKind == JsonValueKind.String ? TryString(value) : null;

    // The types a record holds, so reading an entry's type does not make a string (most are then left unparsed).
    private static readonly string[] KnownTypes =
    [
        "Observation", "Condition", "MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense", "Medication",
        "AllergyIntolerance", "Patient", "Encounter", "Procedure", "DiagnosticReport", "Immunization", "Claim", "ExplanationOfBenefit",
        "CarePlan", "CareTeam", "Goal", "Organization", "Practitioner", "Location", "Device", "ImagingStudy", "DocumentReference",
        "Provenance", "ServiceRequest", "Consent", "OperationOutcome", "Bundle",
    ];

    /// <summary>An entry's <c>resourceType</c>; a known type's name is the shared string, not a new one.</summary>
    public static string? ResourceType(JsonElement resource)
    {
        if (resource.ValueKind != JsonValueKind.Object || !resource.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        foreach (var known in KnownTypes)
        {
            if (!IsEscaped(type) && type.ValueEquals(known))
            {
                return known;
            }
        }

        return TryString(type);
    }

    /// <summary>
    /// Writes a coding's <c>system|code</c> into <paramref name="key"/> straight from the JSON bytes, for a lookup that
    /// allocates nothing; false when the values are escaped or too long (the caller reads them as strings then).
    /// </summary>
    public static bool TryWriteCodeKey(JsonElement coding, Span<char> key, out int written)
    {
        written = 0;
        if (!TryGetSingle(coding, "code", out var code) || code.ValueKind != JsonValueKind.String || IsEscaped(code))
        {
            return false;
        }

        // As the reader reads it: a list of one stands for its value; anything else but a plain string goes the slow way.
        if (TryGetSingle(coding, "system", out var system) && system.ValueKind != JsonValueKind.Null)
        {
            if (system.ValueKind != JsonValueKind.String || IsEscaped(system) || !TryCopy(system, key, ref written))
            {
                return false;
            }
        }

        if (written >= key.Length)
        {
            return false;
        }

        key[written++] = '|';
        return TryCopy(code, key, ref written);
    }

    // A string token with a backslash holds escapes: its raw bytes are not its text.
    private static bool IsEscaped(JsonElement value) => System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).IndexOf((byte)'\\') >= 0;

    private static bool TryCopy(JsonElement value, Span<char> into, ref int written)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var text = raw[1..^1]; // a string token's raw bytes include its quotes
        if (System.Text.Encoding.UTF8.GetMaxCharCount(text.Length) > into.Length - written)
        {
            return false;
        }

        written += System.Text.Encoding.UTF8.GetChars(text, into[written..]);
        return true;
    }

    /// <summary>A string value, or null when it is not valid Unicode (a lone UTF-16 surrogate cannot become a string).</summary>
    public static string? TryString(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The members of a repeating element: the array's items, or the one object an EHR sent in its place.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray(),
            JsonValueKind.Object => [value],
            _ => [],
        };
    }

    /// <summary>
    /// A single-valued element as the reader will read it: an object, or the one member of a list sent in its place (the
    /// reader unwraps such a list of one, so judging the entry must see through it too).
    /// </summary>
    public static bool TryGetSingle(JsonElement element, string property, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var found))
        {
            return false;
        }

        value = found.ValueKind == JsonValueKind.Array && found.GetArrayLength() == 1 ? found[0] : found;
        return true;
    }

    /// <summary>A CodeableConcept element (codings with system, code and display, and text), or null when it has none.</summary>
    public static CodeableConcept? Concept(JsonElement element, string property) =>
        TryGetSingle(element, property, out var value) ? Concept(value) : null;

    /// <summary>A CodeableConcept from its JSON object, or null when it has neither a coding nor text.</summary>
    public static CodeableConcept? Concept(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var concept = new CodeableConcept { Text = String(value, "text") };
        foreach (var coding in Items(value, "coding"))
        {
            if (String(coding, "code") is { } code)
            {
                concept.Coding.Add(new Coding(String(coding, "system"), code, String(coding, "display")));
            }
        }

        return concept.Coding.Count == 0 && concept.Text is null ? null : concept;
    }

    /// <summary>The medication of an order, statement, administration or dispense: its code, or a reference's display as text.</summary>
    public static CodeableConcept? Medication(JsonElement resource)
    {
        if (Concept(resource, "medicationCodeableConcept") is { } coded)
        {
            return coded;
        }

        return TryGetSingle(resource, "medicationReference", out var reference) && String(reference, "display") is { } display
            ? new CodeableConcept { Text = display }
            : null;
    }

    /// <summary>The concept a rule would match an entry by: its code, or its medication; null when it shows none.</summary>
    public static CodeableConcept? CodeOf(string resourceType, JsonElement resource) => resourceType switch
    {
        "MedicationRequest" or "MedicationStatement" or "MedicationAdministration" or "MedicationDispense" => Medication(resource),
        _ => Concept(resource, "code"),
    };

    /// <summary>
    /// The latest instant an observation's date could mean (effective, else issued), for look-back windows; null when
    /// it states none a reader can parse (such an observation is kept: its date is for the rules to judge).
    /// </summary>
    public static DateTimeOffset? ObservationLatestTime(JsonElement observation)
    {
        if (String(observation, "effectiveDateTime") is { } dateTime)
        {
            return FhirTime.LatestParse(dateTime);
        }

        if (observation.TryGetProperty("effectivePeriod", out var period))
        {
            return FhirTime.LatestParse(String(period, "start")) ?? FhirTime.LatestParse(String(period, "end"));
        }

        return FhirTime.LatestParse(String(observation, "effectiveInstant")) ?? FhirTime.LatestParse(String(observation, "issued"));
    }
}
