using System.Text.Json;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// The entries of a record that a rule of the compiled pack could read, judged from their JSON before they are built
/// (a long record is mostly readings no rule looks at: heart rates, glucose, years of old vitals):
/// <list type="bullet">
/// <item>resource types no active rule reads are left out (claims, encounters, immunisations…); the Patient, Medications
/// (which references point to), allergies and conditions whose code is text alone are always kept;</item>
/// <item>an observation is kept when its code is in a value set a rule reads observations from, and its date is
/// inside the longest window that set is read with (or it has no date a reader can parse);</item>
/// <item>a condition, order, statement, administration or dispense is kept when its code (a medication's code, or
/// the names a reference gives) is in one of the pack's value sets, or names an ingredient of the dose table; a
/// medication written as a reference is always kept, since only the Medication it points to can say what it is.</item>
/// </list>
/// The differential test runs every rule case and real patient through the record with and without this filter and
/// requires the same cards, trace and incomplete-data notes.
/// </summary>
internal sealed class PackRecordFilter : IRecordFilter
{
    private readonly CompiledPack _pack;
    private readonly CodeMembership? _membership;
    // Per value-set ordinal: read by an observation fact, and from when (null: all history).
    private readonly bool[] _observationSet;
    private readonly DateTimeOffset?[] _observationsSince;

    public PackRecordFilter(CompiledPack pack, DateTimeOffset now)
    {
        _pack = pack;
        _membership = pack.ValueSets.Values.FirstOrDefault()?.Membership;
        var count = _membership?.SetCount ?? 0;
        _observationSet = new bool[count];
        _observationsSince = new DateTimeOffset?[count];
        foreach (var (set, window) in pack.Reads.Observations)
        {
            if (set.Membership is null)
            {
                continue;
            }

            _observationSet[set.Ordinal] = true;
            _observationsSince[set.Ordinal] = window?.Since(now);
        }
    }

    public bool Wants(string resourceType, JsonElement resource) => resourceType switch
    {
        "Patient" or "Medication" or "AllergyIntolerance" => true,
        _ when !_pack.Reads.ResourceTypes.Contains(resourceType) => false,
        "Observation" => WantsObservation(resource),
        "Condition" or "Procedure" or "ServiceRequest" => RawFhir.TryGetSingle(resource, "code", out var code) && WantsConcept(code, medication: false),
        // Few per patient, and a category is a list: read whole, judged by the fact.
        "Consent" => true,
        "MedicationRequest" or "MedicationStatement" or "MedicationAdministration" or "MedicationDispense" =>
            RawFhir.TryGetSingle(resource, "medicationReference", out _)
            || (RawFhir.TryGetSingle(resource, "medicationCodeableConcept", out var medication) && WantsConcept(medication, medication: true)),
        _ => true,
    };

    private bool WantsObservation(JsonElement observation)
    {
        if (_membership is null)
        {
            return false;
        }

        // Its own code, or a component's: a panel may carry a reading a rule reads (the PHQ-9 total inside its panel).
        // Read without allocating: most of a long record is entries no rule reads, and they should cost nothing.
        DateTimeOffset? latest = null;
        var dated = false;
        if (RawFhir.TryGetSingle(observation, "code", out var code) && WantsAnyCoding(code, observation, ref latest, ref dated))
        {
            return true;
        }

        if (observation.TryGetProperty("component", out var components))
        {
            if (components.ValueKind == JsonValueKind.Array)
            {
                foreach (var component in components.EnumerateArray())
                {
                    if (RawFhir.TryGetSingle(component, "code", out var part) && WantsAnyCoding(part, observation, ref latest, ref dated))
                    {
                        return true;
                    }
                }
            }
            else if (RawFhir.TryGetSingle(components, "code", out var single) && WantsAnyCoding(single, observation, ref latest, ref dated))
            {
                return true;
            }
        }

        return false;
    }

    private bool WantsAnyCoding(JsonElement concept, JsonElement observation, ref DateTimeOffset? latest, ref bool dated)
    {
        if (concept.ValueKind != JsonValueKind.Object || !concept.TryGetProperty("coding", out var codings))
        {
            return false;
        }

        if (codings.ValueKind == JsonValueKind.Object)
        {
            return WantsCoding(codings, observation, ref latest, ref dated);
        }

        if (codings.ValueKind == JsonValueKind.Array)
        {
            foreach (var coding in codings.EnumerateArray())
            {
                if (WantsCoding(coding, observation, ref latest, ref dated))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool WantsCoding(JsonElement coding, JsonElement observation, ref DateTimeOffset? latest, ref bool dated)
    {
        var mask = Mask(coding);
        if (mask.IsEmpty)
        {
            return false;
        }

        for (var ordinal = 0; ordinal < _observationSet.Length; ordinal++)
        {
            if (!_observationSet[ordinal] || !mask.Has(ordinal))
            {
                continue;
            }

            if (_observationsSince[ordinal] is not { } since)
            {
                return true;
            }

            if (!dated)
            {
                (latest, dated) = (RawFhir.ObservationLatestTime(observation), true);
            }

            if (latest is null || latest >= since)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A condition's or medication's concept, from its JSON: kept when one of its codes is in a pack value set (looked
    /// up without allocating), when it has text alone (matched by name), or, for a medication, when its names name an
    /// ingredient a set or the dose table knows (remembered per name for the life of the pack: drug names recur).
    /// </summary>
    private bool WantsConcept(JsonElement concept, bool medication)
    {
        if (concept.ValueKind != JsonValueKind.Object || _membership is null)
        {
            return false;
        }

        var codings = 0;
        if (concept.TryGetProperty("coding", out var list))
        {
            foreach (var coding in list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : default)
            {
                codings++;
                if (!Mask(coding).IsEmpty)
                {
                    return true;
                }
            }

            if (list.ValueKind == JsonValueKind.Object)
            {
                codings++;
                if (!Mask(list).IsEmpty)
                {
                    return true;
                }
            }
        }

        if (codings == 0)
        {
            // Text alone: matched by name (an order's reason naming depression, a drug named in a reference's display).
            return RawFhir.String(concept, "text") is not null;
        }

        return medication && _pack.NamesAnIngredient(RawFhir.Concept(concept));
    }

    private ValueSetMask Mask(JsonElement coding)
    {
        Span<char> key = stackalloc char[256];
        return RawFhir.TryWriteCodeKey(coding, key, out var written)
            ? _membership!.SetsContaining(key[..written])
            : _membership!.SetsContaining(RawFhir.String(coding, "system"), RawFhir.String(coding, "code"));
    }
}
