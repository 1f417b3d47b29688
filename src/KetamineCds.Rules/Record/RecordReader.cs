using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace KetamineCds.Rules.Record;

/// <summary>
/// Builds a patient's record from FHIR JSON (prefetch values, FHIR search pages, a rule case's resources) entry by
/// entry, so one bad resource costs only itself:
/// <list type="bullet">
/// <item>an entry a rule could not read (<see cref="IRecordFilter"/>, from the compiled pack) is never parsed;</item>
/// <item>a single object where R4 has a list is read as a list of one, as EHRs and the Sandbox send it;</item>
/// <item>an entry with any other defect (a date that is not a date, a number written as text, text that is not
/// valid Unicode) is set aside with the element and the reason (<see cref="SetAside"/>), and the rest is read;</item>
/// <item>a Bundle's error OperationOutcome entries (a server's partial failure) are kept as <see cref="Failures"/>;</item>
/// <item>entries are indexed by <c>fullUrl</c>, so <c>urn:uuid:</c> references resolve.</item>
/// </list>
/// Draft orders are read with <see cref="ReadDrafts"/>: a defective draft is kept (it is the order being signed) and
/// its defects are reported, so the checks that need the bent element say they could not be made.
/// </summary>
public sealed partial class RecordReader(IRecordFilter? filter = null, bool parseEverything = false)
{
    private readonly List<Resource> _resources = [];
    private readonly Dictionary<string, Resource> _byFullUrl = new(StringComparer.Ordinal);
    private readonly List<SetAsideEntry> _setAside = [];
    private readonly List<SetAsideEntry> _draftDefects = [];
    private readonly List<string> _failures = [];
    private readonly List<SetAsideEntry> _otherPatient = [];

    /// <summary>The context's patient: a resource that names another is never read (<see cref="OtherPatient"/>). Null: not checked.</summary>
    public string? PatientId { get; init; }

    /// <summary>Entries about a patient other than <see cref="PatientId"/>: not read, not evidence, reported.</summary>
    public IReadOnlyList<SetAsideEntry> OtherPatient => _otherPatient;

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Bundle entries by <c>fullUrl</c> (absolute URLs and <c>urn:uuid:</c>), for references.</summary>
    public IReadOnlyDictionary<string, Resource> ByFullUrl => _byFullUrl;

    /// <summary>Entries a rule could read that could not be read, each with where it came from and why.</summary>
    public IReadOnlyList<SetAsideEntry> SetAside => _setAside;

    /// <summary>Defects of draft orders that were kept all the same (see <see cref="ReadDrafts"/>).</summary>
    public IReadOnlyList<SetAsideEntry> DraftDefects => _draftDefects;

    /// <summary>Error or fatal OperationOutcome entries of a Bundle: the server says part of the answer is missing.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Entries left unparsed because no rule could read them.</summary>
    public int Skipped { get; private set; }

    /// <summary>
    /// Reads a prefetch value or a search page: a Bundle's entries one by one, or a single resource. Returns false when
    /// the value as a whole cannot be read (not a resource, or a Bundle whose <c>entry</c> is not a list).
    /// </summary>
    /// <param name="source">Where it came from, as a clinician reads it: "prefetch observations".</param>
    public bool Read(string source, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || RawFhir.String(value, "resourceType") is not { } type)
        {
            _setAside.Add(new SetAsideEntry(source, null, null, null, null, "is not a FHIR resource"));
            return false;
        }

        if (type != "Bundle")
        {
            ReadResource(source, null, value, entry: null, asDraft: false);
            return true;
        }

        if (value.TryGetProperty("entry", out var entries) && entries.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            _setAside.Add(new SetAsideEntry(source, null, "Bundle", RawFhir.String(value, "id"), "entry", "is not a list of entries"));
            return false;
        }

        var index = 0;
        foreach (var entry in RawFhir.Items(value, "entry"))
        {
            ReadEntry(source, index++, entry, asDraft: false);
        }

        return true;
    }

    /// <summary>
    /// Reads <c>context.draftOrders</c>: every resource is kept, a defective one parsed as far as it goes, with its
    /// defects in <see cref="DraftDefects"/>. Returns false when the value is not a Bundle of entries.
    /// </summary>
    public bool ReadDrafts(JsonElement bundle)
    {
        if (bundle.ValueKind != JsonValueKind.Object || (bundle.TryGetProperty("entry", out var entries) && entries.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)))
        {
            return false;
        }

        var index = 0;
        foreach (var entry in RawFhir.Items(bundle, "entry"))
        {
            ReadEntry("draft orders", index++, entry, asDraft: true);
        }

        return true;
    }

    private void ReadEntry(string source, int index, JsonElement entry, bool asDraft)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            _setAside.Add(new SetAsideEntry(source, index, null, null, null, "is not a Bundle entry (a JSON object)"));
            return;
        }

        if (!entry.TryGetProperty("resource", out var resource) || resource.ValueKind == JsonValueKind.Null)
        {
            return; // an entry without a resource (a deleted one in a history) carries no patient data
        }

        ReadResource(source, index, resource, entry, asDraft);
    }

    /// <param name="entry">The Bundle entry (for its <c>fullUrl</c>, read only when the resource is kept), or null for a resource on its own.</param>
    private void ReadResource(string source, int? index, JsonElement json, JsonElement? entry, bool asDraft)
    {
        if (json.ValueKind != JsonValueKind.Object || RawFhir.ResourceType(json) is not { } type)
        {
            _setAside.Add(new SetAsideEntry(source, index, null, null, null, "is not a FHIR resource (no resourceType)"));
            return;
        }

        if (type == "OperationOutcome")
        {
            NoteFailure(source, json);
            return;
        }

        if (PatientId is not null && PatientIdentity.AboutAnotherPatient(type, json, PatientId))
        {
            _otherPatient.Add(new SetAsideEntry(source, index, type, RawFhir.String(json, "id"), null, "is about another patient"));
            return;
        }

        var wanted = asDraft || filter is null || filter.Wants(type, json);
        if (!wanted && !parseEverything)
        {
            Skipped++;
            return;
        }

        // A dose written at the dosage level (the STU3 shape some EHRs still send) is read where R4 puts it.
        var lifted = DosageShapes.Lift(type, json);
        var (resource, problem) = Parse(lifted ?? JsonMarshal.GetRawUtf8Value(json), json, lenient: asDraft);
        if (problem is not null)
        {
            var setAside = new SetAsideEntry(source, index, type, RawFhir.String(json, "id"), problem.Value.Element, problem.Value.Reason, RawFhir.CodeOf(type, json));
            if (asDraft && resource is not null)
            {
                _draftDefects.Add(setAside);
            }
            else
            {
                // A defective entry no rule could read costs nothing: it is dropped as the filter would have skipped it.
                if (wanted)
                {
                    _setAside.Add(setAside);
                }
                else
                {
                    Skipped++;
                }

                return;
            }
        }

        if (resource is null)
        {
            return;
        }

        _resources.Add(resource);
        if (entry is { } bundleEntry && RawFhir.String(bundleEntry, "fullUrl") is { } fullUrl)
        {
            _byFullUrl.TryAdd(fullUrl, resource);
        }
    }

    private void NoteFailure(string source, JsonElement outcome)
    {
        foreach (var issue in RawFhir.Items(outcome, "issue"))
        {
            if (RawFhir.String(issue, "severity") is "error" or "fatal")
            {
                _failures.Add($"{source}: {RawFhir.String(issue, "diagnostics") ?? RawFhir.Concept(issue, "details")?.Text ?? RawFhir.String(issue, "code") ?? "the server reported an error"}");
                return;
            }
        }
    }

    /// <summary>
    /// Parses one resource. A single object where R4 has a list is wrapped (and a list of one where R4 has one value
    /// unwrapped) and parsed again; any other defect is the entry's problem. For a draft order (<paramref name="lenient"/>)
    /// each bent element is taken out and the rest parsed again, so what is built is safe to read and the defects are
    /// named: a check that needs a removed element says it could not be made.
    /// </summary>
    private static (Resource? Resource, (string? Element, string Reason)? Problem) Parse(ReadOnlySpan<byte> bytes, JsonElement json, bool lenient)
    {
        byte[]? current = null;
        (string? Element, string Reason)? first = null;
        var type = RawFhir.String(json, "resourceType") ?? "Resource";
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var source = current ?? bytes;
            var (resource, issues, failure) = TryParse(source, FhirParsing.Deserializer);
            if (failure is not null)
            {
                // Text that is not valid Unicode: named by its path; a draft goes on without it.
                using var document = JsonDocument.Parse(source.ToArray());
                var invalid = EntryRepair.InvalidText(document.RootElement, type);
                first ??= (invalid is null ? null : EntryRepair.JsonPathOf(json, invalid), failure);
                if (!lenient || invalid is null || (current = EntryRepair.Remove(source, [invalid])) is null)
                {
                    return (null, first);
                }

                continue;
            }

            var lists = issues.Where(i => i.ErrorCode == ListMismatch).Select(i => (Path: PathOf(i), Wrap: WantsList(i))).Where(l => l.Path is not null)
                .Select(l => (l.Path!, l.Wrap)).ToList();
            var others = issues.Where(MisreadsData).ToList();
            if (others.Count > 0)
            {
                var element = PathOf(others[0]) is { } path ? EntryRepair.JsonPathOf(json, path) : null;
                first ??= (element, Words(others[0]));
                var paths = others.Select(PathOf).OfType<string>().Distinct().ToList();
                if (!lenient || paths.Count == 0 || (current = EntryRepair.Remove(source, paths)) is null)
                {
                    return (null, first);
                }

                continue;
            }

            if (lists.Count == 0)
            {
                return (resource, first);
            }

            var fixedShape = EntryRepair.FixListShapes(source, lists);
            if (fixedShape is null)
            {
                var (path, wrap) = lists[0];
                first ??= (EntryRepair.JsonPathOf(json, path), wrap ? "is a single value where FHIR R4 has a list, and could not be read as one"
                    : "is a list of several values where FHIR R4 has one");
                if (!lenient || (current = EntryRepair.Remove(source, [path])) is null)
                {
                    return (null, first);
                }

                continue;
            }

            current = fixedShape;
        }

        return (null, first ?? (null, "has too many defects to read"));
    }

    private static (Resource? Resource, IReadOnlyList<CodedException> Issues, string? Failure) TryParse(ReadOnlySpan<byte> bytes, FhirJsonDeserializer deserializer)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            deserializer.TryDeserializeResource(ref reader, out var resource, out var issues);
            return (resource, issues?.ToList() ?? [], null);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("UTF-16", StringComparison.Ordinal) || ex.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            return (null, [], "contains text that is not valid Unicode (a lone UTF-16 surrogate)");
        }
        catch (Exception ex) when (ex is JsonException or DeserializationFailedException or CodedException or InvalidCastException
            or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return (null, [], "could not be read as FHIR");
        }
    }

    // Firely's code for "a single value where a list is due", and the reverse: read as a list of one (or its one member).
    private const string ListMismatch = "PVAL127";

    private static bool WantsList(CodedException issue) => issue.Message.Contains("to be a collection", StringComparison.Ordinal);

    // Literal types a rule reads as values: a bad one could be misread. A bad string or code literal (an empty display)
    // cannot mislead a rule and is let pass, as are missing required elements, unknown elements and unknown codes
    // (validation findings, not misreadings: real EHR data has them, and Ostrich-era reading kept them).
    private static readonly string[] ValueTypes = ["date", "dateTime", "instant", "time", "decimal", "integer", "positiveInt", "unsignedInt", "boolean", "integer64"];

    private static bool MisreadsData(CodedException issue) => issue.ErrorCode switch
    {
        "PVAL123" => true,
        "PVAL124" => ValueTypes.Any(t => issue.Message.Contains($"literal for a {t}.", StringComparison.Ordinal)
            || issue.Message.Contains($"literal for an {t}.", StringComparison.Ordinal)),
        var code when code is not null && code.StartsWith("JSON", StringComparison.Ordinal) => true,
        _ => false,
    };

    private static string? PathOf(CodedException issue) => issue is ExtendedCodedException extended ? extended.InstancePath : null;

    /// <summary>Firely's message in the words of the card: "'yesterday' is not a FHIR dateTime".</summary>
    private static string Words(CodedException issue)
    {
        var message = issue is ExtendedCodedException extended ? extended.BaseErrorMessage : issue.Message;
        if (NotALiteral().Match(message) is { Success: true } literal)
        {
            return $"{literal.Groups["value"].Value} is not a FHIR {literal.Groups["type"].Value}";
        }

        if (WrongKind().Match(message) is { Success: true } kind)
        {
            return $"{kind.Groups["value"].Value} is written as {Article(kind.Groups["kind"].Value)} where FHIR has {Article(kind.Groups["type"].Value)}";
        }

        return message.TrimEnd('.') switch
        {
            var m when issue.ErrorCode == "JSON131" => "is a single value where FHIR has an object",
            var m when issue.ErrorCode == "JSON132" => "is an object where FHIR has a single value",
            var m => char.ToLowerInvariant(m[0]) + m[1..],
        };
    }

    private static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? $"an {noun}" : $"a {noun}";

    // "string 'yesterday' is not a correct literal for a dateTime."
    [GeneratedRegex(@"^\w+ (?<value>.+?) is not a correct literal for an? (?<type>\w+)")]
    private static partial Regex NotALiteral();

    // "string '84' is not the right type of literal for a decimal."
    [GeneratedRegex(@"^(?<kind>\w+) (?<value>.+?) is not the right type of literal for an? (?<type>\w+)")]
    private static partial Regex WrongKind();
}
