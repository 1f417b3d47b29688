namespace KetamineCds.Rules.Record;

/// <summary>The <c>Type/id</c> a literal FHIR reference names, read as servers write it.</summary>
public static class FhirReference
{
    /// <summary>
    /// "Medication/m1", "https://ehr.example/fhir/Medication/m1" and "Medication/m1/_history/3" all name
    /// (Medication, m1): the last two segments once a version is dropped. Null for what names no typed id
    /// (<c>urn:uuid:</c>, <c>#contained</c>, a bare id).
    /// </summary>
    public static (string Type, string Id)? Local(string reference)
    {
        var parts = reference.Split("/_history/")[0].TrimEnd('/').Split('/');
        return parts.Length >= 2 && parts[^2].Length > 0 && parts[^1].Length > 0 ? (parts[^2], parts[^1]) : null;
    }
}
