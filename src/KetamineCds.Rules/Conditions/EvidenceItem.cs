namespace KetamineCds.Rules.Conditions;

/// <summary>A piece of the patient's data that a fact looked at: what it is, its value and when it was recorded.</summary>
/// <param name="Reference">The resource, as <c>Type/id</c>, when the data came from one.</param>
/// <param name="Label">What the data is, e.g. "Systolic blood pressure".</param>
/// <param name="Value">The value as shown to a clinician, e.g. "186 mm[Hg]".</param>
/// <param name="Date">When it was measured, recorded or started.</param>
/// <param name="Note">A qualifier the clinician should see, e.g. "dose not verifiable from the record".</param>
/// <param name="Tentative">Recorded but not confirmed: a provisional or differential diagnosis, an intolerance rather than an allergy.</param>
/// <param name="Score">A severity score in a treatment course, as a number: a point of the trajectory the workbench draws.</param>
public sealed record EvidenceItem(string? Reference, string Label, string? Value = null, DateTimeOffset? Date = null, string? Note = null, bool Tentative = false,
    decimal? Score = null);
