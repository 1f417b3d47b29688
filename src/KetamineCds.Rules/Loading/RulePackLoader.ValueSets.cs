using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// The pack's value sets and what is read from them beside membership: the scores of coded answers (their
/// ordinalValue extensions) and the sets that tell an order for another indication (pack.yaml otherIndications).
/// </summary>
public static partial class RulePackLoader
{
    private static readonly FhirJsonDeserializer ValueSetParser = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    private static Dictionary<string, ValueSetIndex> LoadValueSets(string root, PackManifest manifest, List<RuleFileError> errors, IncrementalHash hash,
        out AnswerScores answers)
    {
        var resources = new Dictionary<string, ValueSet>(StringComparer.Ordinal);
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var contentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in manifest.ValueSetFolders)
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                errors.Add(new RuleFileError(folder, 0, null, "value set folder not found"));
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
                var text = File.ReadAllText(path);
                hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\n{text}\n"));
                if (!ValueSetParser.TryDeserializeResource(text, out var resource, out var issues) || resource is not ValueSet valueSet)
                {
                    var first = issues?.FirstOrDefault()?.Message ?? "not a FHIR ValueSet";
                    errors.Add(new RuleFileError(relative, 0, null, $"cannot read value set: {first}"));
                    continue;
                }

                if (string.IsNullOrEmpty(valueSet.Id))
                {
                    errors.Add(new RuleFileError(relative, 0, null, "value set has no id; rules refer to value sets by id"));
                }
                else if (!resources.TryAdd(valueSet.Id, valueSet))
                {
                    errors.Add(new RuleFileError(relative, 0, null, $"value set id '{valueSet.Id}' is also used by {fileOf[valueSet.Id]}"));
                }
                else
                {
                    fileOf[valueSet.Id] = relative;
                    contentOf[valueSet.Id] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                }
            }
        }

        var compiled = ValueSetCompiler.Compile(resources, (id, message) =>
            errors.Add(new RuleFileError(fileOf.GetValueOrDefault(id, "valuesets"), 0, null, $"value set '{id}': {message}")));
        answers = AnswerScores.From(resources.Values);
        foreach (var (id, index) in compiled)
        {
            index.ContentHash = contentOf.GetValueOrDefault(id, "");
            if (resources.TryGetValue(id, out var definition))
            {
                index.ObservationCategories = [.. definition.Extension.Where(e => e.Url == ValueSetIndex.ObservationCategoryExtension)
                    .Select(e => (e.Value as Code)?.Value).OfType<string>()];
            }
        }

        return compiled.ToDictionary(StringComparer.Ordinal);
    }

    private static OtherIndications OtherIndicationsOf(PackManifest manifest, Dictionary<string, ValueSetIndex> valueSets, List<RuleFileError> errors)
    {
        if (manifest.OtherIndications is not { } spec)
        {
            return OtherIndications.None;
        }

        ValueSetIndex? Resolve(string id)
        {
            if (valueSets.TryGetValue(id, out var set))
            {
                return set;
            }

            errors.Add(new RuleFileError(ManifestFile, 0, null, $"otherIndications: value set '{id}' is not in the pack's value sets"));
            return null;
        }

        return new OtherIndications(spec.ReasonValueSet is null ? null : Resolve(spec.ReasonValueSet), spec.ReasonWords,
            [.. spec.DepressionValueSets.Select(Resolve).OfType<ValueSetIndex>()]);
    }
}
