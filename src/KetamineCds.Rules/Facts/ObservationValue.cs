using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// What counts as a result, and how its value reads as a number, across the shapes EHRs send: a Quantity, an
/// integer, a numeric string, or a coded answer (LOINC LA codes scored through <see cref="AnswerScores"/>).
/// </summary>
internal static class ObservationValue
{
    /// <summary>
    /// A result is final, amended or corrected (preliminary where the rule allows it). Registered, pending and
    /// unknown-status observations are orders or placeholders: they never hide an earlier result and never fill a
    /// data gap.
    /// </summary>
    public static bool IsResult(Observation observation, bool preliminaryCounts) => observation.Status switch
    {
        ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected => true,
        ObservationStatus.Preliminary => preliminaryCounts,
        _ => false,
    };

    /// <summary>The value a fact reads: the observation's own, or its component's; null when dataAbsentReason says it is missing.</summary>
    public static DataType? Of(Observation observation, Observation.ComponentComponent? component) =>
        component is null
            ? observation.DataAbsentReason is null ? observation.Value : null
            : component.DataAbsentReason is null ? component.Value : null;

    /// <summary>The value as a quantity; null when it is not a number in any form the fact understands.</summary>
    public static Quantity? Numeric(DataType? value, AnswerScores answers) => value switch
    {
        Quantity { Value: not null } quantity => quantity,
        Integer { Value: { } whole } => Unity(whole),
        FhirDecimal { Value: { } number } => Unity(number),
        FhirString { Value: { } text } when decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => Unity(parsed),
        CodeableConcept answer when answers.Score(answer) is { } score => Unity(score),
        _ => null,
    };

    private static Quantity Unity(decimal value) => new() { Value = value, Code = "1", System = CodeSystems.Ucum };
}
