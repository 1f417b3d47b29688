using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// Ketamine orders written for something other than depression (anaesthesia, procedural sedation, analgesia), which
/// the TRD pack must leave alone: an anaesthetist's induction dose is not an overdose for depression. pack.yaml
/// <c>otherIndications</c> says how to tell: an order's reason (<c>reasonCode</c>, or the Condition its
/// <c>reasonReference</c> points to) coded in <c>reasonValueSet</c> or naming one of <c>reasonWords</c>, or its
/// <c>category</c> naming one of them. A reason that is depression (coded in one of <c>depressionValueSets</c>, or
/// naming depression) keeps the order in the pack whatever else it says, and an order with no reason at all stays in.
/// The route alone decides nothing: ketamine for depression is also given intramuscularly or intranasally.
/// </summary>
public sealed class OtherIndications(ValueSetIndex? reasons, IReadOnlyList<string> words, IReadOnlyList<ValueSetIndex> depression)
{
    private readonly Regex? _words = words.Count == 0 ? null
        : new Regex($@"\b({string.Join("|", words.Select(Regex.Escape))})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex Depression = new(@"\bdepress", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static OtherIndications None { get; } = new(null, [], []);

    /// <summary>Whether the order is for another indication; <paramref name="why"/> names what said so.</summary>
    public bool Applies(MedicationRequest order, PatientRecord record, out string? why)
    {
        why = null;
        var categories = Lenient<CodeableConcept>(order, "category", () => order.Category);
        var concepts = Lenient<CodeableConcept>(order, "reasonCode", () => order.ReasonCode)
            .Concat(Lenient<ResourceReference>(order, "reasonReference", () => order.ReasonReference)
                .Select(r => record.Medications.Resolve(r.Reference, order)).OfType<Condition>().Select(c => c.Code).OfType<CodeableConcept>())
            .ToList();
        if (concepts.Any(IsDepression))
        {
            return false;
        }

        foreach (var concept in concepts.Concat(categories))
        {
            if (reasons?.Match(concept) is { } coded && categories.All(c => !ReferenceEquals(c, concept)))
            {
                why = $"reason {coded.Display ?? coded.Code}";
                return true;
            }

            if (Named(concept) is { } word)
            {
                why = $"'{word}' in the order's {(categories.Any(c => ReferenceEquals(c, concept)) ? "category" : "reason")}";
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A repeating element read the way EHRs send it. Some send one object where R4 wants a list (the CDS Hooks
    /// Sandbox sends <c>category</c> so, in its STU3 shape); the lenient parser keeps it, and the typed list then
    /// throws on access. The single object is read as a list of one.
    /// </summary>
    private static List<T> Lenient<T>(Base owner, string name, Func<List<T>> read) where T : Base
    {
        try
        {
            return read();
        }
        catch (Hl7.Fhir.Validation.CodedValidationException)
        {
            return owner.TryGetValue(name, out var value) && value is T single ? [single] : [];
        }
    }

    private bool IsDepression(CodeableConcept concept) =>
        depression.Any(set => set.Match(concept) is not null) || Texts(concept).Any(t => Depression.IsMatch(t));

    private string? Named(CodeableConcept concept) =>
        _words is null ? null : Texts(concept).Select(t => _words.Match(t)).FirstOrDefault(m => m.Success)?.Value;

    private static IEnumerable<string> Texts(CodeableConcept concept) =>
        concept.Coding.Select(c => c.Display).Append(concept.Text).OfType<string>();
}
