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
        "Condition" => WantsConcept(RawFhir.Concept(resource, "code"), medication: false),
        "MedicationRequest" or "MedicationStatement" or "MedicationAdministration" or "MedicationDispense" =>
            RawFhir.TryGetSingle(resource, "medicationReference", out _) || WantsConcept(RawFhir.Medication(resource), medication: true),
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
        Span<char> key = stackalloc char[256];
        var mask = RawFhir.TryWriteCodeKey(coding, key, out var written)
            ? _membership!.SetsContaining(key[..written])
            : _membership!.SetsContaining(RawFhir.String(coding, "system"), RawFhir.String(coding, "code"));
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

    private bool WantsConcept(Hl7.Fhir.Model.CodeableConcept? concept, bool medication)
    {
        if (concept is null)
        {
            return false;
        }

        if (concept.Coding.Count == 0)
        {
            // Text alone: matched by name (an order's reason naming depression, a drug named in a reference's display).
            return true;
        }

        if (_membership is not null && concept.Coding.Any(c => !_membership.SetsContaining(c.System, c.Code).IsEmpty))
        {
            return true;
        }

        return medication && (_pack.ValueSets.Values.Any(set => set.MatchesIngredientNames && set.Match(concept) is not null)
            || _pack.Doses.Identify(concept) is not null);
    }
}
