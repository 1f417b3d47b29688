using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Testing;
using KetamineCds.Tests.Fuzzing;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The record filter changes nothing but time: every rule test case, every third-party patient under each hook, and
/// the shape fuzzer's corpus, read once with the pack's filter (only what a rule can read is built) and once with
/// everything built, give the same cards, trace and incomplete-data notes, to the character.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RecordFilterDifferentialTests
{
    private static readonly string[] AllHooks = ["order-select", "order-sign", "patient-view"];

    [Fact]
    public void GivenEveryRuleCase_WhenReadFilteredAndWhole_ThenTheSameAnswer()
    {
        var folder = Path.Combine(Repository.RulesFolder, "tests");
        var compared = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml"))
        {
            var root = (JsonObject)Loading.YamlJsonConverter.Convert(File.ReadAllText(file)).Root!;
            foreach (var testCase in root["cases"]!.AsArray().OfType<JsonObject>())
            {
                var filtered = RuleTestRunner.Evaluate(Repository.Pack, testCase, folder, filtered: true);
                var whole = RuleTestRunner.Evaluate(Repository.Pack, testCase, folder, filtered: false);
                Assert.True(Signature(filtered) == Signature(whole), $"{Path.GetFileName(file)} '{testCase["name"]}':\n{Diff(Signature(filtered), Signature(whole))}");
                compared++;
            }
        }

        Assert.True(compared > 200, $"only {compared} cases compared");
    }

    /// <summary>One code of each observation set a rule reads with a look-back, and a value it can be read with.</summary>
    public static TheoryData<string, string> WindowedObservations() => new()
    {
        { "blood-pressure-panel", """{"coding":[{"system":"http://loinc.org","code":"85354-9"}]}""" },
        { "body-weight", """{"coding":[{"system":"http://loinc.org","code":"29463-7"}]}""" },
        { "bmi", """{"coding":[{"system":"http://loinc.org","code":"39156-5"}]}""" },
        { "pregnancy-test", """{"coding":[{"system":"http://loinc.org","code":"2106-3"}]}""" },
        { "phq9-item9", """{"coding":[{"system":"http://loinc.org","code":"44260-8"}]}""" },
        { "liver-enzymes", """{"coding":[{"system":"http://loinc.org","code":"1742-6"}]}""" },
        { "pregnancy-status", """{"coding":[{"system":"http://loinc.org","code":"82810-3"}]}""" },
    };

    /// <summary>
    /// An observation just inside, and one just outside, the longest window its set is read with: the filter's date
    /// bound must be exactly the rules' (a filter a day short would drop a reading a rule uses).
    /// </summary>
    [Theory]
    [MemberData(nameof(WindowedObservations))]
    public void GivenAnObservationAtTheEdgeOfItsWindow_WhenReadFilteredAndWhole_ThenTheSameAnswer(string valueSet, string code)
    {
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var window = Repository.Pack.Reads.Observations.Single(o => o.Set.Id == valueSet).Window;
        Assert.NotNull(window);
        foreach (var edge in new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(-1) })
        {
            var when = (window!.Since(now) + edge).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var record = JsonSerializer.SerializeToElement(JsonNode.Parse($$$"""
                {"resourceType":"Bundle","entry":[
                  {"resource":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-04-12"}},
                  {"resource":{"resourceType":"Observation","id":"edge","status":"final","code":{{{code}}},"effectiveDateTime":"{{{when}}}",
                    "valueQuantity":{"value":190,"unit":"1","code":"1"},
                    "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":190,"unit":"mmHg","code":"mm[Hg]"}}]}}]}
                """));
            foreach (var hook in AllHooks)
            {
                var filtered = Evaluate(record, hook, now, parseEverything: false, out _);
                var whole = Evaluate(record, hook, now, parseEverything: true, out _);
                Assert.True(Signature(filtered) == Signature(whole), $"{valueSet} at {when} ({hook}):\n{Diff(Signature(filtered), Signature(whole))}");
            }
        }
    }

    public static TheoryData<string> Patients()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(Repository.ThirdParty, "fhir-patients");
        foreach (var bundle in Directory.EnumerateFiles(Path.Combine(root, "synthea-smart-r4"), "*.json").Concat(Directory.EnumerateFiles(Path.Combine(root, "ahrq-pms-r4"), "*.json")))
        {
            data.Add(Path.GetRelativePath(root, bundle));
        }

        foreach (var patient in Directory.EnumerateDirectories(Path.Combine(root, "ecqm-qicore-2024-tests"), "*", SearchOption.AllDirectories)
            .Where(d => Directory.EnumerateFiles(d, "*.json").Any()))
        {
            data.Add(Path.GetRelativePath(root, patient));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Patients))]
    public void GivenAThirdPartyPatient_WhenReadFilteredAndWholeUnderEachHook_ThenTheSameAnswer(string patient)
    {
        var path = Path.Combine(Repository.ThirdParty, "fhir-patients", patient);
        var record = Directory.Exists(path)
            ? JsonSerializer.SerializeToElement(new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["entry"] = new JsonArray([.. Directory.EnumerateFiles(path, "*.json").Select(f => (JsonNode)new JsonObject { ["resource"] = JsonNode.Parse(File.ReadAllText(f)) })]),
            })
            : JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
        // A day after the record's latest observation, so the look-back windows hold its recent data.
        var now = LatestObservation(record).AddDays(1);

        foreach (var hook in AllHooks)
        {
            var filtered = Evaluate(record, hook, now, parseEverything: false, out var filteredNotes);
            var whole = Evaluate(record, hook, now, parseEverything: true, out var wholeNotes);
            Assert.True(Signature(filtered) == Signature(whole), $"{patient} {hook}:\n{Diff(Signature(filtered), Signature(whole))}");
            Assert.Equal(wholeNotes, filteredNotes);
        }
    }

    [Fact]
    public void GivenTheShapeFuzzersCorpus_WhenReadFilteredAndWhole_ThenTheSameAnswer()
    {
        var examples = Directory.EnumerateFiles(Path.Combine(Repository.Root, "examples", "requests"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!)).ToList();
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : 20261206;
        var count = int.TryParse(Environment.GetEnvironmentVariable("DIFFERENTIAL_REQUESTS"), out var n) ? n : 600;
        var fuzzer = new ShapeFuzzer(seed);
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var compared = 0;
        for (var i = 0; i < count; i++)
        {
            var mutant = fuzzer.Next(i, examples);
            JsonDocument request;
            try
            {
                request = JsonDocument.Parse(mutant.Json);
            }
            catch (JsonException)
            {
                continue; // nested past the parser's depth: refused whole, there is no record to compare
            }

            using (request)
            {
                var root = request.RootElement;
                var hook = root.TryGetProperty("hook", out var h) && h.ValueKind == JsonValueKind.String ? RawString(h) : null;
                if (hook is null || !AllHooks.Contains(hook) || !root.TryGetProperty("prefetch", out var prefetch) || prefetch.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var filtered = EvaluateRequest(root, prefetch, hook, now, parseEverything: false, out var filteredNotes);
                var whole = EvaluateRequest(root, prefetch, hook, now, parseEverything: true, out var wholeNotes);
                Assert.True(Signature(filtered) == Signature(whole), $"#{i} {mutant.Example} {mutant.Mutation} at {mutant.Path}:\n{Diff(Signature(filtered), Signature(whole))}");
                Assert.Equal(wholeNotes, filteredNotes);
                compared++;
            }
        }

        Assert.True(compared > count * 2 / 3, $"only {compared} of {count} requests compared");
    }

    private static EvaluationResult Evaluate(JsonElement record, string hook, DateTimeOffset now, bool parseEverything, out List<string> notes)
    {
        var reader = new RecordReader(Repository.Pack.RecordFilter(now), parseEverything);
        reader.Read("patient", record);
        var drafts = hook == "patient-view" ? [] : new List<Hl7.Fhir.Model.Resource> { Fhir.KetamineOrder() };
        notes = [.. reader.SetAside.Select(e => e.Describe())];
        return HookEvaluation.Evaluate(Repository.Pack, new HookInput(hook, reader.Resources, drafts) { SetAside = reader.SetAside, ByFullUrl = reader.ByFullUrl }, now);
    }

    private static EvaluationResult EvaluateRequest(JsonElement root, JsonElement prefetch, string hook, DateTimeOffset now, bool parseEverything, out List<string> notes)
    {
        var readers = new List<RecordReader>();
        foreach (var key in prefetch.EnumerateObject())
        {
            var reader = new RecordReader(Repository.Pack.RecordFilter(now), parseEverything);
            if (key.Value.ValueKind == JsonValueKind.Object)
            {
                reader.Read($"prefetch {key.Name}", key.Value);
            }

            readers.Add(reader);
        }

        var drafts = new RecordReader();
        if (root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object && context.TryGetProperty("draftOrders", out var bundle))
        {
            drafts.ReadDrafts(bundle);
        }

        notes = [.. readers.SelectMany(r => r.SetAside).Select(e => e.Describe()), .. drafts.DraftDefects.Select(e => e.Describe())];
        return HookEvaluation.Evaluate(Repository.Pack, new HookInput(hook, [.. readers.SelectMany(r => r.Resources)], drafts.Resources)
        {
            SetAside = [.. readers.SelectMany(r => r.SetAside)],
            DraftDefects = drafts.DraftDefects,
            ByFullUrl = readers.SelectMany(r => r.ByFullUrl).Concat(drafts.ByFullUrl).DistinctBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value),
        }, now);
    }

    /// <summary>Everything a clinician or an admin sees of an answer: each card in full, the trace, the incomplete notes.</summary>
    private static string Signature(EvaluationResult result)
    {
        var text = new StringBuilder();
        foreach (var finding in result.Findings)
        {
            text.Append(CultureInfo.InvariantCulture, $"card {finding.RuleId}@{finding.RuleVersion} {finding.Indicator} incomplete={finding.IsIncompleteCheck}\n{finding.Summary}\n{finding.Detail}\n");
        }

        foreach (var trace in result.Trace)
        {
            text.Append(CultureInfo.InvariantCulture, $"trace {trace.RuleId} {trace.Outcome}: {trace.Explanation}\n");
        }

        foreach (var medication in result.UnidentifiedMedications)
        {
            text.Append(CultureInfo.InvariantCulture, $"unidentified {medication}\n");
        }

        return text.ToString();
    }

    private static string Diff(string filtered, string whole)
    {
        var a = filtered.Split('\n');
        var b = whole.Split('\n');
        var first = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        return $"filtered: {(first < a.Length ? a[first] : "(end)")}\nwhole:    {(first < b.Length ? b[first] : "(end)")}";
    }

    private static DateTimeOffset LatestObservation(JsonElement record)
    {
        var latest = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var entry in record.TryGetProperty("entry", out var entries) ? entries.EnumerateArray() : default)
        {
            if (entry.TryGetProperty("resource", out var resource) && resource.TryGetProperty("effectiveDateTime", out var when) && when.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(when.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at > latest)
            {
                latest = at;
            }
        }

        return latest;
    }

    private static string? RawString(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
