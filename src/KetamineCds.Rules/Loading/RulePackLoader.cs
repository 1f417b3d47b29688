using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;
using YamlDotNet.Core;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// Reads a rule pack folder (pack.yaml, rule files, value sets, dose table), validates all of it and compiles it.
/// Validation is total: every error in every file is reported with file, line and rule id, and an invalid pack
/// never loads. The only I/O of the rule library is here, reading these files.
/// </summary>
public static partial class RulePackLoader
{
    public const string ManifestFile = "pack.yaml";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };


    public static RulePackLoadResult Load(string folder)
    {
        var errors = new List<RuleFileError>();
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var root = Path.GetFullPath(folder);

        var parsedManifest = ReadYaml<PackManifest>(root, ManifestFile, SchemaValidator.Pack, errors, hash);
        if (parsedManifest is null)
        {
            return new RulePackLoadResult(null, errors);
        }

        var manifest = parsedManifest.Value;

        var valueSets = LoadValueSets(root, manifest, errors, hash, out var answers);
        var tables = new PackTables(LoadDoseTable(root, manifest, errors, hash), LoadEquivalenceTable(root, manifest, errors, hash));

        ReportUnlistedRuleFiles(root, manifest, errors);
        var files = new List<LoadedRuleFile>();
        var listed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < manifest.RuleFiles.Count; i++)
        {
            // A file listed twice would load its rules twice: one error naming the second listing, not one per rule.
            if (!listed.TryAdd(manifest.RuleFiles[i], i))
            {
                errors.Add(new RuleFileError(ManifestFile, YamlJsonConverter.LineOf(parsedManifest.Lines, $"/ruleFiles/{i}"), null,
                    $"rule file '{manifest.RuleFiles[i]}' is listed twice in ruleFiles (entries {listed[manifest.RuleFiles[i]] + 1} and {i + 1}); list each file once")
                {
                    Column = YamlJsonConverter.ColumnOf(parsedManifest.Columns, $"/ruleFiles/{i}"),
                });
            }
        }

        foreach (var file in listed.Keys)
        {
            if (ReadRuleFile(root, file, errors, hash) is { } parsed)
            {
                files.Add(parsed);
            }
        }

        if (!valueSets.TryGetValue(manifest.OrderValueSet, out var orderValueSet))
        {
            errors.Add(new RuleFileError(ManifestFile, 0, null, $"orderValueSet '{manifest.OrderValueSet}' is not in the pack's value sets"));
        }

        var otherIndications = OtherIndicationsOf(manifest, valueSets, errors);
        var reads = new RecordReads();
        var activity = ActivityOf(manifest);
        var rules = RulePackCompiler.Compile(files, valueSets, answers, tables, errors, reads, $"{manifest.Name}@{manifest.Version}", activity);
        var policy = PolicyOf(manifest, parsedManifest.Lines, valueSets, answers, tables, [.. rules.Select(r => r.Id)], activity, reads, errors,
            allRulesRead: files.Count == listed.Count && files.All(f => f.SchemaInvalidRuleIds.Count == 0));
        if (errors.Count > 0 || orderValueSet is null)
        {
            return new RulePackLoadResult(null, errors);
        }

        var contentHash = Convert.ToHexStringLower(hash.GetHashAndReset());
        var pack = new CompiledPack(manifest.Name, manifest.Version, contentHash, rules, valueSets, orderValueSet, tables.Doses)
        {
            BenzodiazepineEquivalents = tables.BenzodiazepineEquivalents,
            OtherIndications = otherIndications,
            Intervention = manifest.Intervention,
            CardPolicy = policy,
            TentativeIndicator = manifest.TentativeIndicator is { } tentative ? Enum.Parse<Indicator>(tentative, ignoreCase: true) : Indicator.Warning,
            Reads = reads,
        };
        return new RulePackLoadResult(pack, []);
    }

    // The schema checked both windows' form; LookBack reads them.
    private static MedicationActivity ActivityOf(PackManifest manifest) => manifest.MedicationActivity is { } spec
        ? new MedicationActivity(LookBack.Parse(spec.DefaultDaysSupply) ?? MedicationActivity.Default.DefaultDaysSupply,
            LookBack.Parse(spec.AdministeredWithin) ?? MedicationActivity.Default.AdministeredWithin)
        : MedicationActivity.Default;

    private sealed record Parsed<T>(T Value, IReadOnlyDictionary<string, int> Lines)
    {
        public IReadOnlyDictionary<string, int> Columns { get; init; } = new Dictionary<string, int>();
    }

    private static Parsed<T>? ReadYaml<T>(string root, string file, SchemaValidator schema, List<RuleFileError> errors, IncrementalHash hash)
        where T : class
    {
        if (ReadValidated(root, file, schema, errors, hash) is not { Failures.Count: 0 } converted)
        {
            return null;
        }

        return Deserialize<T>(converted.Document.Root, file, converted.Document.Lines, "", errors) is { } value
            ? new Parsed<T>(value, converted.Document.Lines) { Columns = converted.Document.Columns }
            : null;
    }

    private sealed record Validated(YamlJsonConverter.Result Document, IReadOnlyList<(string Pointer, string Message)> Failures);

    /// <summary>Reads a YAML file and checks it against its schema, reporting every schema failure; null when unreadable.</summary>
    private static Validated? ReadValidated(string root, string file, SchemaValidator schema, List<RuleFileError> errors, IncrementalHash hash)
    {
        var path = Path.Combine(root, file);
        if (!File.Exists(path))
        {
            errors.Add(new RuleFileError(file, 0, null, "file not found"));
            return null;
        }

        var text = File.ReadAllText(path);
        hash.AppendData(Encoding.UTF8.GetBytes($"{file}\n{text}\n"));
        YamlJsonConverter.Result converted;
        try
        {
            converted = YamlJsonConverter.Convert(text);
        }
        catch (YamlException ex)
        {
            errors.Add(new RuleFileError(file, (int)ex.Start.Line, null, $"YAML syntax: {ex.InnerException?.Message ?? ex.Message}"));
            return null;
        }

        var failures = schema.Validate(converted.Root);
        foreach (var (pointer, message) in failures)
        {
            errors.Add(new RuleFileError(file, YamlJsonConverter.LineOf(converted.Lines, pointer), RuleIdAt(converted.Root, pointer), message)
            {
                Column = YamlJsonConverter.ColumnOf(converted.Columns, pointer),
            });
        }

        return new Validated(converted, failures);
    }

    private static T? Deserialize<T>(JsonNode? node, string file, IReadOnlyDictionary<string, int> lines, string at, List<RuleFileError> errors)
        where T : class
    {
        try
        {
            return node.Deserialize<T>(Json) ?? throw new JsonException("empty document");
        }
        catch (JsonException ex)
        {
            errors.Add(new RuleFileError(file, YamlJsonConverter.LineOf(lines, at + JsonPathToPointer(ex.Path)), null, ex.Message));
            return null;
        }
    }

    /// <summary>
    /// A rule file's rules. Rules the schema rejected are reported and left out; the others still go on to the
    /// semantic checks, so an admin sees schema and semantic mistakes of one file in one run.
    /// </summary>
    private static LoadedRuleFile? ReadRuleFile(string root, string file, List<RuleFileError> errors, IncrementalHash hash)
    {
        if (ReadValidated(root, file, SchemaValidator.RuleFile, errors, hash) is not { } validated)
        {
            return null;
        }

        var (document, failures) = validated;
        if (document.Root?["rules"] is not JsonArray elements)
        {
            return null;
        }

        var rules = new List<(int, RuleSpec)>();
        var invalidIds = new List<string>();
        for (var i = 0; i < elements.Count; i++)
        {
            var at = $"/rules/{i}";
            if (failures.Any(f => f.Pointer == at || f.Pointer.StartsWith(at + "/", StringComparison.Ordinal)))
            {
                if (RuleIdAt(document.Root, at) is { } id)
                {
                    invalidIds.Add(id);
                }

                continue;
            }

            if (Deserialize<RuleSpec>(elements[i], file, document.Lines, at, errors) is { } rule)
            {
                rules.Add((i, rule));
            }
        }

        return new LoadedRuleFile(file, rules, document.Lines, invalidIds) { Columns = document.Columns };
    }

    /// <summary>
    /// A rule file in a rule folder that pack.yaml does not list would never run, and nothing would say so: each is an
    /// error unless pack.yaml names it under <c>excludeFiles</c> (kept out on purpose).
    /// </summary>
    private static void ReportUnlistedRuleFiles(string root, PackManifest manifest, List<RuleFileError> errors)
    {
        var accounted = manifest.RuleFiles.Concat(manifest.ExcludeFiles).Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var folders = manifest.RuleFiles.Select(f => Path.GetDirectoryName(Normalize(f)) ?? "").Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(directory).Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var relative = Normalize(Path.GetRelativePath(root, path));
                if (relative != ManifestFile && !accounted.Contains(relative))
                {
                    errors.Add(new RuleFileError(relative, 1, null,
                        $"not listed in {ManifestFile} 'ruleFiles', so its rules would never run; add it there, or under 'excludeFiles' to keep it out on purpose"));
                }
            }
        }

        static string Normalize(string path) => path.Replace('\\', '/').TrimStart('.', '/');
    }

    /// <summary>The id of the rule a pointer like <c>/rules/3/when</c> falls in, so errors name it.</summary>
    internal static string? RuleIdAt(JsonNode? root, string pointer)
    {
        var parts = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && parts[0] == "rules" && int.TryParse(parts[1], out var index)
            && root?["rules"] is JsonArray rules && index < rules.Count && rules[index]?["id"] is JsonValue id && id.TryGetValue<string>(out var text))
        {
            return text;
        }

        return null;
    }

    private static string JsonPathToPointer(string? path) =>
        path is null ? "" : "/" + path.TrimStart('$', '.').Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', '/');

    private static IngredientTable<EquivalenceRow> LoadEquivalenceTable(string root, PackManifest manifest, List<RuleFileError> errors, IncrementalHash hash)
    {
        if (manifest.BenzodiazepineEquivalents is null)
        {
            return PackTables.Empty.BenzodiazepineEquivalents;
        }

        var table = ReadYaml<EquivalenceTableFile>(root, manifest.BenzodiazepineEquivalents, SchemaValidator.EquivalenceTable, errors, hash)?.Value;
        return table is null ? PackTables.Empty.BenzodiazepineEquivalents : new IngredientTable<EquivalenceRow>(table.Ingredients, table.Source);
    }

    private static AntidepressantDoseTable LoadDoseTable(string root, PackManifest manifest, List<RuleFileError> errors, IncrementalHash hash)
    {
        if (manifest.AntidepressantDoseTable is null)
        {
            return AntidepressantDoseTable.Empty;
        }

        var table = ReadYaml<DoseTableFile>(root, manifest.AntidepressantDoseTable, SchemaValidator.DoseTable, errors, hash)?.Value;
        return table is null ? AntidepressantDoseTable.Empty : new AntidepressantDoseTable(table.Ingredients, table.Source);
    }
}
