namespace KetamineCds.Rules.Terminology;

/// <summary>Canonical code-system URIs and the aliases real EHR data uses for them.</summary>
public static class CodeSystems
{
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Ucum = "http://unitsofmeasure.org";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["urn:oid:2.16.840.1.113883.6.90"] = Icd10Cm,
        ["http://hl7.org/fhir/sid/icd-10-cm/"] = Icd10Cm,
        ["urn:oid:2.16.840.1.113883.6.96"] = Snomed,
        ["http://snomed.info/sct/"] = Snomed,
        ["urn:oid:2.16.840.1.113883.6.1"] = Loinc,
        ["urn:oid:2.16.840.1.113883.6.88"] = RxNorm,
    };

    public static string Normalize(string? system) =>
        system is null ? "" : Aliases.TryGetValue(system, out var canonical) ? canonical : system;

    /// <summary>ICD-10-CM codes travel with and without the dot (F32.9 / F329); compare them without it.</summary>
    public static string NormalizeCode(string system, string code) =>
        system == Icd10Cm ? code.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant() : code.Trim();
}
