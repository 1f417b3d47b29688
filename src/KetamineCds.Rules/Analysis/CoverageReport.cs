using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Analysis;

/// <summary>One code seen in the records that no value set claims, and the set it nearly belongs to.</summary>
/// <param name="Patients">In how many of the records it appears.</param>
/// <param name="ValueSet">The pack's value set it is near.</param>
/// <param name="Why">"ICD-10-CM category I71" or "display word 'aneurysm'".</param>
public sealed record CoverageRow(string System, string Code, string? Display, int Patients, string ValueSet, string Why);

/// <summary>
/// The near misses of a population: codes in real records (conditions, observations, allergies, medications) that no
/// value set of the pack claims, but that share an ICD-10-CM category, or a distinctive word of their display, with a
/// set the pack uses. A clinical admin reads the list and decides, code by code, whether the set should hold it; the
/// engine never guesses. Pure: the caller reads the files.
/// </summary>
public static partial class CoverageReport
{
    // Words too common in clinical names to say which concept a code is about.
    private static readonly HashSet<string> CommonWords =
    [
        "disorder", "disease", "finding", "situation", "history", "episode", "unspecified", "other", "without", "chronic",
        "acute", "single", "severe", "moderate", "specified", "classified", "elsewhere", "current", "initial", "encounter",
        "subsequent", "sequela", "level", "total", "serum", "plasma", "blood", "urine", "presence", "score", "tablet",
        "capsule", "injection", "solution", "extended", "release", "delayed", "daily", "medication", "procedure",
        "patient", "person", "primary", "secondary", "complication", "syndrome", "state", "condition", "family",
        "familial", "recurrent", "stage", "volume", "fraction", "automated", "count", "strip", "calculation",
        // Salts and forms name how a drug is made, not what it is.
        "sodium", "potassium", "calcium", "hydrochloride", "acetate", "sulfate", "succinate", "tartrate", "maleate",
        "citrate", "fumarate", "mesylate", "bromide", "chloride", "powder", "syringe", "prefilled", "suspension",
        "system", "transdermal", "injectable", "patch", "intrauterine", "implant", "spray", "nasal", "topical", "cream",
        "ointment", "inhaler", "inhalation", "chewable", "vaginal", "disintegrating", "sublingual", "buccal", "liquid",
    ];

    /// <param name="pack">The compiled pack: membership is decided exactly as in a live call.</param>
    /// <param name="definitions">The pack's ValueSet resources by id, for their codes and display words.</param>
    /// <param name="records">Each patient's resources.</param>
    /// <param name="maxSetsPerWord">A display word shared by more sets than this says too little to report.</param>
    public static IReadOnlyList<CoverageRow> NearMisses(CompiledPack pack, IReadOnlyDictionary<string, ValueSet> definitions,
        IEnumerable<IReadOnlyList<Resource>> records, int maxSetsPerWord = 2)
    {
        var (categories, words) = Neighbourhoods(definitions);
        var seen = new Dictionary<(string System, string Code), (string? Display, int Patients)>();
        foreach (var record in records)
        {
            // A coding without a display is named by its concept's text, as EHRs often send it.
            foreach (var (coding, text) in record.SelectMany(Concepts).SelectMany(c => c.Coding.Select(x => (Coding: x, c.Text)))
                .Where(c => c.Coding.Code is not null).DistinctBy(c => (CodeSystems.Normalize(c.Coding.System), c.Coding.Code)))
            {
                var key = (CodeSystems.Normalize(coding.System), coding.Code!);
                var display = coding.Display ?? text;
                seen[key] = seen.TryGetValue(key, out var known) ? (known.Display ?? display, known.Patients + 1) : (display, 1);
            }
        }

        var rows = new List<CoverageRow>();
        foreach (var ((system, code), (display, patients)) in seen)
        {
            var concept = new CodeableConcept { Coding = [new Coding(system, code, display)] };
            if (pack.ValueSets.Values.Any(set => set.Match(concept) is not null))
            {
                continue;
            }

            if (system == CodeSystems.Icd10Cm && CodeSystems.NormalizeCode(system, code) is { Length: >= 3 } normalized
                && categories.TryGetValue(normalized[..3], out var byCategory))
            {
                rows.Add(new CoverageRow(system, code, display, patients, byCategory, $"ICD-10-CM category {normalized[..3]}"));
                continue;
            }

            var shared = WordsOf(display).FirstOrDefault(w => words.TryGetValue((system, w), out var sets) && sets.Count <= maxSetsPerWord);
            if (shared is not null)
            {
                rows.Add(new CoverageRow(system, code, display, patients, string.Join(", ", words[(system, shared)].Order(StringComparer.Ordinal)), $"display word '{shared}'"));
            }
        }

        return [.. rows.OrderByDescending(r => r.Patients).ThenBy(r => r.ValueSet, StringComparer.Ordinal).ThenBy(r => r.Code, StringComparer.Ordinal)];
    }

    private static IEnumerable<CodeableConcept> Concepts(Resource resource) => resource switch
    {
        Condition c when c.Code is not null => [c.Code],
        Observation o when o.Code is not null => [o.Code],
        AllergyIntolerance a when a.Code is not null => [a.Code],
        MedicationRequest { Medication: CodeableConcept m } => [m],
        MedicationStatement { Medication: CodeableConcept m } => [m],
        _ => [],
    };

    /// <summary>
    /// ICD-10-CM categories of each set, and each set's distinctive words per code system: the words of its title, and
    /// words that recur in its concepts' names in that system (in three names or more, and in one name in twenty). A LOINC lab is compared with the
    /// sets that hold LOINC codes, never with a drug set that happens to share a word.
    /// </summary>
    private static (Dictionary<string, string> Categories, Dictionary<(string System, string Word), HashSet<string>> Words) Neighbourhoods(
        IReadOnlyDictionary<string, ValueSet> definitions)
    {
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new Dictionary<(string, string), HashSet<string>>();
        foreach (var (id, valueSet) in definitions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var includes = valueSet.Compose?.Include ?? [];
            var icd = includes.Where(i => CodeSystems.Normalize(i.System) == CodeSystems.Icd10Cm)
                .SelectMany(i => i.Concept.Select(c => c.Code).Concat(i.Filter.Where(f => f.Op == FilterOperator.IsA).Select(f => f.Value)))
                .Concat((valueSet.Expansion?.Contains ?? []).Where(c => CodeSystems.Normalize(c.System) == CodeSystems.Icd10Cm).Select(c => c.Code));
            foreach (var code in icd.OfType<string>().Select(c => CodeSystems.NormalizeCode(CodeSystems.Icd10Cm, c)).Where(c => c.Length >= 3))
            {
                categories.TryAdd(code[..3], id);
            }

            var title = WordsOf(valueSet.Title).ToHashSet(StringComparer.Ordinal);
            foreach (var bySystem in includes.Where(i => i.Concept.Count > 0).GroupBy(i => CodeSystems.Normalize(i.System)))
            {
                var concepts = bySystem.Sum(i => i.Concept.Count);
                var recurring = bySystem.SelectMany(i => i.Concept).SelectMany(c => WordsOf(c.Display).Distinct())
                    .GroupBy(w => w).Where(g => (g.Count() >= 3 && g.Count() * 20 >= concepts) || title.Contains(g.Key)).Select(g => g.Key);
                foreach (var word in recurring.Concat(title).Distinct())
                {
                    (words.TryGetValue((bySystem.Key, word), out var sets) ? sets : words[(bySystem.Key, word)] = []).Add(id);
                }
            }
        }

        return (categories, words);
    }

    private static IEnumerable<string> WordsOf(string? text) =>
        text is null ? [] : WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 5 && !CommonWords.Contains(w));

    [GeneratedRegex("[a-z]+")]
    private static partial Regex WordPattern();
}
