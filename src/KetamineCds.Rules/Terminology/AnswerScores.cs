using Hl7.Fhir.Model;

namespace KetamineCds.Rules.Terminology;

/// <summary>
/// Scores for coded questionnaire answers, so an item answered "More than half the days" (LOINC LA6570-1) compares
/// as 2 wherever a rule compares a number. Two sources: the pack's value sets, whose concepts carry the FHIR
/// ordinalValue extension (rules/valuesets/phq9-answers.json holds LOINC answer list LL358-3), and the record
/// itself, when the EHR puts ordinalValue on the coding it sends (that one wins: it is how the form was scored).
/// </summary>
public sealed class AnswerScores
{
    // R4 core, its pre-R4 name, and R5's itemWeight, which some servers already send.
    private static readonly string[] ScoreExtensions =
    [
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
    ];

    private readonly Dictionary<(string System, string Code), decimal> _scores;

    private AnswerScores(Dictionary<(string, string), decimal> scores) => _scores = scores;

    public static AnswerScores None { get; } = new([]);

    public int Count => _scores.Count;

    /// <summary>Collects the ordinal values of every concept in the pack's value sets.</summary>
    public static AnswerScores From(IEnumerable<ValueSet> valueSets)
    {
        var scores = new Dictionary<(string, string), decimal>();
        foreach (var include in valueSets.SelectMany(v => v.Compose?.Include ?? []))
        {
            var system = CodeSystems.Normalize(include.System);
            foreach (var concept in include.Concept)
            {
                if (concept.Code is { } code && ScoreOf(concept) is { } score)
                {
                    scores[(system, CodeSystems.NormalizeCode(system, code))] = score;
                }
            }
        }

        return new AnswerScores(scores);
    }

    /// <summary>The score of a coded answer: the coding's own ordinal value, else the pack's; null when neither knows it.</summary>
    public decimal? Score(CodeableConcept answer)
    {
        foreach (var coding in answer.Coding)
        {
            if (ScoreOf(coding) is { } own)
            {
                return own;
            }

            var system = CodeSystems.Normalize(coding.System);
            if (coding.Code is { } code && _scores.TryGetValue((system, CodeSystems.NormalizeCode(system, code)), out var score))
            {
                return score;
            }
        }

        return null;
    }

    private static decimal? ScoreOf(Element element)
    {
        foreach (var url in ScoreExtensions)
        {
            if (element.GetExtension(url)?.Value is FhirDecimal { Value: { } value })
            {
                return value;
            }

            if (element.GetExtension(url)?.Value is Integer { Value: { } whole })
            {
                return whole;
            }
        }

        return null;
    }
}
