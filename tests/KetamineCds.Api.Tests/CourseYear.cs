using System.Globalization;
using System.Text.Json.Nodes;

namespace KetamineCds.Api.Tests;

/// <summary>
/// A patient's year of IV ketamine as a ketamine clinic runs it, written as the hook requests each session's orders
/// make: six induction infusions on Monday, Wednesday and Friday over two weeks (days 0, 2, 4, 7, 9, 11; Murrough
/// 2013), then maintenance every three weeks for the rest of the year. Eligible (MDD, two adequate trials), liver tests
/// every two months, weight (for the mg/kg dose), blood pressure and PHQ-9 before each infusion, the baseline PHQ-9 a
/// week before the first. Each session is a new draft by the same prescriber. Scores and readings are the test's.
/// </summary>
public sealed class CourseYear
{
    /// <summary>The first infusion: a Monday.</summary>
    public static readonly DateTimeOffset FirstInfusion = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly JsonNode _template = HttpJson.Example("order-sign-mid-series.json");
    private readonly Func<int, int> _scoreBefore;
    private readonly Dictionary<int, (int Systolic, int Diastolic)> _bloodPressure = [];

    /// <param name="scoreBefore">The PHQ-9 taken before session n (1-based); the baseline is the score before session 1.</param>
    /// <param name="sessions">How many sessions the course runs (the year's, when null).</param>
    public CourseYear(Func<int, int> scoreBefore, int? sessions = null)
    {
        _scoreBefore = scoreBefore;
        var days = new List<int> { 0, 2, 4, 7, 9, 11 };
        for (var day = 32; day < 365; day += 21)
        {
            days.Add(day);
        }

        Days = sessions is { } count ? days.Take(count).ToList() : days;
    }

    /// <summary>Day of each session after the first infusion.</summary>
    public IReadOnlyList<int> Days { get; }

    /// <summary>The uncomplicated responder: PHQ-9 22 at baseline, response by the end of the induction, remission in maintenance.</summary>
    public static int Responder(int session) => session switch
    {
        1 => 22,
        2 => 20,
        3 => 17,
        4 => 15,
        5 => 13,
        6 => 11,
        _ => Math.Max(2, 10 - (session - 6) / 2), // 9, 9, 8, 8, 7 … remission (< 5) from session 19
    };

    /// <summary>A non-responder: PHQ-9 21 falling only to 18 after the induction.</summary>
    public static int NonResponder(int session) => Math.Max(18, 21 - session / 2);

    /// <summary>A responder who relapses in maintenance: remission by session 9, then PHQ-9 back to 17 from session 11.</summary>
    public static int LosesResponse(int session) => session switch
    {
        <= 6 => Responder(session),
        <= 10 => 4,
        _ => 17,
    };

    /// <summary>A reading before session <paramref name="session"/> other than the usual 124/78.</summary>
    public CourseYear WithBloodPressureBefore(int session, int systolic, int diastolic)
    {
        _bloodPressure[session] = (systolic, diastolic);
        return this;
    }

    public DateTimeOffset SessionTime(int session) => FirstInfusion.AddDays(Days[session - 1]);

    /// <summary>The request for session <paramref name="session"/> (1-based) at <paramref name="hook"/>, with every key the service's discovery lists.</summary>
    public JsonNode Request(int session, string hook, IEnumerable<string> prefetchKeys)
    {
        var now = SessionTime(session);
        var request = _template.DeepClone();
        request["hook"] = hook;
        request["hookInstance"] = Guid.NewGuid().ToString();
        var draft = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!;
        draft["id"] = $"ket-{session}";
        if (hook == "order-select")
        {
            request["context"]!["selections"] = new JsonArray($"MedicationRequest/ket-{session}");
        }

        var prefetch = request["prefetch"]!.AsObject();
        var observations = new List<JsonNode>();
        for (var day = -7; day <= Days[session - 1]; day += 60)
        {
            observations.Add(Alt($"alt-{day}", FirstInfusion.AddDays(day)));
        }

        for (var n = 1; n <= session; n++)
        {
            var before = n == 1 ? FirstInfusion.AddDays(-7) : SessionTime(n).AddHours(-1);
            observations.Add(Phq9($"phq-{n}", before, _scoreBefore(n)));
            var (systolic, diastolic) = _bloodPressure.GetValueOrDefault(n, (124, 78));
            observations.Add(BloodPressure($"bp-{n}", SessionTime(n).AddMinutes(-30), systolic, diastolic));
            observations.Add(Weight($"wt-{n}", SessionTime(n).AddMinutes(-40)));
        }

        prefetch["observations"] = Bundle(observations);
        prefetch["medicationAdministrations"] = Bundle(Enumerable.Range(1, session - 1).Select(n => Administration($"adm-{n}", SessionTime(n).AddHours(1))));
        foreach (var key in prefetchKeys.Where(k => !prefetch.ContainsKey(k) && !k.StartsWith("observations", StringComparison.Ordinal)
                     && !k.StartsWith("conditions", StringComparison.Ordinal)))
        {
            prefetch[key] = Bundle([]);
        }

        return request;
    }

    private JsonNode Resource(string key, string id) =>
        _template["prefetch"]![key]!["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["id"] == id).DeepClone();

    private JsonNode Weight(string id, DateTimeOffset when) => Dated(Resource("observations", "o-wt"), id, when);

    private JsonNode BloodPressure(string id, DateTimeOffset when, int systolic, int diastolic)
    {
        var reading = Dated(Resource("observations", "o-bp"), id, when);
        reading["component"]![0]!["valueQuantity"]!["value"] = systolic;
        reading["component"]![1]!["valueQuantity"]!["value"] = diastolic;
        return reading;
    }

    private JsonNode Phq9(string id, DateTimeOffset when, int score)
    {
        var phq = Dated(Resource("observations", "o-phq9-3"), id, when);
        phq["valueQuantity"]!["value"] = score;
        return phq;
    }

    private JsonNode Administration(string id, DateTimeOffset when) => Dated(Resource("medicationAdministrations", "adm-1"), id, when);

    // ALT (LOINC 1742-6), normal: the liver tests a maintenance course repeats.
    private static JsonNode Alt(string id, DateTimeOffset when) => JsonNode.Parse($$$"""
        {"resourceType":"Observation","id":"{{{id}}}","status":"final","subject":{"reference":"Patient/p1"},
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"1742-6","display":"Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"}]},
         "effectiveDateTime":"{{{when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}}",
         "valueQuantity":{"value":24,"unit":"U/L","system":"http://unitsofmeasure.org","code":"U/L"}}
        """)!;

    private static JsonNode Dated(JsonNode resource, string id, DateTimeOffset when)
    {
        resource["id"] = id;
        var text = when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (resource["effectiveDateTime"] is not null)
        {
            resource["effectiveDateTime"] = text;
        }

        return resource;
    }

    private static JsonObject Bundle(IEnumerable<JsonNode> resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r })]),
    };
}
