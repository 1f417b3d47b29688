using Hl7.Fhir.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Record;

/// <summary>
/// What drug a medication-bearing resource (an order, statement, administration or dispense) is about, whichever
/// legal shape carries it (US Core: <c>medicationCodeableConcept</c>, a contained Medication, or a reference to a
/// Medication): the concept, the ingredients of a referenced Medication, and, when a reference cannot be followed, the
/// names it still gives (its <c>display</c>). References resolve by relative reference (<c>Medication/123</c>), by
/// absolute URL, by an entry's <c>fullUrl</c> (<c>urn:uuid:…</c> in a Bundle) and to contained resources (<c>#med</c>).
/// </summary>
public sealed class MedicationResolver
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly IReadOnlyDictionary<string, Resource> _byFullUrl;

    // Literal references are resolved only for medicationReference and reasonReference, which most records never use:
    // the index is built on the first resolve, not for every request.
    private Dictionary<string, Resource>? _byReference;

    internal MedicationResolver(IReadOnlyList<Resource> resources, IReadOnlyDictionary<string, Resource>? byFullUrl)
    {
        _resources = resources;
        _byFullUrl = byFullUrl ?? EmptyUrls;
    }

    private static readonly IReadOnlyDictionary<string, Resource> EmptyUrls = new Dictionary<string, Resource>();

    /// <summary>Resolves a literal reference: <c>Type/id</c>, an absolute URL ending so, a Bundle entry's fullUrl, or <c>#contained</c>.</summary>
    public Resource? Resolve(string? reference, DomainResource? container = null)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (reference.StartsWith('#'))
        {
            return container?.Contained.FirstOrDefault(c => c.Id == reference[1..]);
        }

        if (_byFullUrl.TryGetValue(reference, out var entry))
        {
            return entry;
        }

        var byReference = _byReference ??= IndexByReference(_resources);
        if (byReference.TryGetValue(reference, out var direct))
        {
            return direct;
        }

        // Absolute and versioned references: by the Type/id they name.
        return FhirReference.Local(reference) is var (type, id) && byReference.TryGetValue($"{type}/{id}", out var resolved) ? resolved : null;
    }

    /// <summary>The medication concept of a request, statement, administration or dispense, following medicationReference.</summary>
    public CodeableConcept? Concept(DataType? medication, DomainResource owner) => medication switch
    {
        CodeableConcept concept => concept,
        ResourceReference reference => (Resolve(reference.Reference, owner) as Medication)?.Code,
        _ => null,
    };

    /// <summary>Ingredient concepts of a referenced Medication (a clinical drug coded only by its ingredients).</summary>
    public IEnumerable<CodeableConcept> Ingredients(DataType? medication, DomainResource owner)
    {
        if (medication is ResourceReference reference && Resolve(reference.Reference, owner) is Medication resolved)
        {
            foreach (var ingredient in resolved.Ingredient)
            {
                if (ingredient.Item is CodeableConcept concept)
                {
                    yield return concept;
                }
            }
        }
    }

    /// <summary>
    /// The names a medication reference gives when it cannot be followed: its <c>display</c>, read as a concept's text,
    /// so a value set matches it by ingredient name as it matches an allergy's text. Null when it names nothing.
    /// </summary>
    public CodeableConcept? NamedOnly(DataType? medication, DomainResource owner) =>
        medication is ResourceReference { Display: { Length: > 0 } display } reference && Resolve(reference.Reference, owner) is null
            ? new CodeableConcept { Text = display }
            : null;

    /// <summary>
    /// A medication reference that neither resolves nor names its drug: the resource is about a drug nobody can tell,
    /// so a safety check over medications cannot say "none" while it is there. Null when the drug is known.
    /// </summary>
    public string? Unidentified(DataType? medication, DomainResource owner) =>
        medication is ResourceReference reference && Resolve(reference.Reference, owner) is not Medication
            && string.IsNullOrWhiteSpace(reference.Display)
            ? reference.Reference ?? "a medication reference without a target"
            : null;

    /// <summary>Every concept that may put the medication in a value set: its code, a referenced Medication's ingredients, or the names a dangling reference gives.</summary>
    public IEnumerable<CodeableConcept> Concepts(DataType? medication, DomainResource owner)
    {
        if (Concept(medication, owner) is { } concept)
        {
            yield return concept;
        }

        foreach (var ingredient in Ingredients(medication, owner))
        {
            yield return ingredient;
        }

        if (NamedOnly(medication, owner) is { } named)
        {
            yield return named;
        }
    }

    /// <summary>The matching coding of a medication in a value set: its concept, else an ingredient's, else the names of a dangling reference.</summary>
    public Coding? Match(ValueSetIndex valueSet, DataType? medication, DomainResource owner, RecordIndex index)
    {
        if (index.Match(valueSet, Concept(medication, owner)) is { } direct)
        {
            return direct;
        }

        // Only a reference has more to try: a coded medication that missed has nothing else to offer.
        if (medication is ResourceReference)
        {
            foreach (var concept in Ingredients(medication, owner).Append(NamedOnly(medication, owner)))
            {
                if (concept is not null && valueSet.Match(concept) is { } coding)
                {
                    return coding;
                }
            }
        }

        return null;
    }

    private Dictionary<string, List<string>>? _unidentified;

    /// <summary>
    /// The resources of a type whose medication nobody can identify, as <c>Type/id → reference</c>, found once per
    /// request: a check over medications cannot say "none" while they are in the record.
    /// </summary>
    public IReadOnlyList<string> UnidentifiedOfType(string resourceType, PatientRecord record)
    {
        if (resourceType is not ("MedicationRequest" or "MedicationStatement" or "MedicationAdministration" or "MedicationDispense"))
        {
            return [];
        }

        _unidentified ??= FindUnidentified(record);
        return _unidentified.TryGetValue(resourceType, out var found) ? found : [];
    }

    private Dictionary<string, List<string>> FindUnidentified(PatientRecord record)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Check(DomainResource owner, DataType? medication)
        {
            if (Unidentified(medication, owner) is { } reference)
            {
                var key = owner.TypeName;
                (found.TryGetValue(key, out var list) ? list : found[key] = []).Add($"{owner.TypeName}/{owner.Id} ({reference})");
            }
        }

        foreach (var request in record.MedicationRequests)
        {
            Check(request, request.Medication);
        }

        foreach (var statement in record.MedicationStatements)
        {
            Check(statement, statement.Medication);
        }

        foreach (var administration in record.MedicationAdministrations)
        {
            Check(administration, administration.Medication);
        }

        foreach (var dispense in record.MedicationDispenses)
        {
            Check(dispense, dispense.Medication);
        }

        return found;
    }

    /// <summary>Every medication reference of the record that resolves to nothing here: what a FHIR server read could still identify.</summary>
    public IReadOnlyList<string> UnresolvedReferences(PatientRecord record)
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (owner, medication) in record.MedicationRequests.Select(r => ((DomainResource)r, r.Medication))
            .Concat(record.MedicationStatements.Select(s => ((DomainResource)s, s.Medication)))
            .Concat(record.MedicationAdministrations.Select(a => ((DomainResource)a, a.Medication)))
            .Concat(record.MedicationDispenses.Select(d => ((DomainResource)d, d.Medication))))
        {
            if (medication is ResourceReference { Reference: { } reference } && !reference.StartsWith('#') && Resolve(reference, owner) is null)
            {
                references.Add(reference);
            }
        }

        return [.. references.Order(StringComparer.Ordinal)];
    }

    private static Dictionary<string, Resource> IndexByReference(IReadOnlyList<Resource> resources)
    {
        var index = new Dictionary<string, Resource>(resources.Count, StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            if (resource.Id is { } id)
            {
                index.TryAdd($"{resource.TypeName}/{id}", resource);
            }
        }

        return index;
    }
}
