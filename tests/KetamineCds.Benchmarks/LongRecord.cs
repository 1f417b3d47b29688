using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Serialization;
using KetamineCds.Api.Audit;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog.Extensions.Hosting;

namespace KetamineCds.Benchmarks;

/// <summary>
/// A long record: the eligible patient of <c>order-sign-eligible</c> plus N observations spread over five years as an
/// inpatient history has them (blood pressure panels, weights, heart rates, glucose), and a crisis blood pressure
/// today, so the answer must still find the one reading that matters.
/// <list type="bullet">
/// <item><c>long N runs</c>: the service in-process against a Firely Ostrich parse of every prefetch resource (what the
/// service cost before it read only what its rules can use) and a plain JSON parse of the same body, called in turn;
/// medians, ratios and bytes allocated per call;</item>
/// <item><c>write-long N FILE</c>: the request, for wrk (<c>deploy/loadtest/long-records.sh</c>);</item>
/// <item><c>floor FILE seconds</c>: requests per second if serving one were only the Ostrich parse of its prefetch,
/// on every core: the floor a load test compares the service's throughput with.</item>
/// </list>
/// </summary>
public static class LongRecord
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly FhirJsonDeserializer Ostrich = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));

    public static string Request(int observations)
    {
        var request = JsonNode.Parse(File.ReadAllText(Path.Combine(RequestCorpus.FindRoot(), "examples", "requests", "order-sign-eligible.json")))!;
        var entries = request["prefetch"]!["observations"]!["entry"]!.AsArray();
        var random = new Random(observations);
        for (var i = 0; i < observations; i++)
        {
            var when = Now.AddDays(-random.Next(1, 5 * 365)).AddMinutes(-random.Next(0, 1440));
            var kind = random.Next(10);
            entries.Add(new JsonObject
            {
                ["resource"] = kind switch
                {
                    < 3 => BloodPressure($"bp-{i}", when, random.Next(105, 150), random.Next(60, 95)),
                    < 5 => Quantity($"wt-{i}", "vital-signs", "29463-7", "Body weight", when, 68 + random.Next(0, 40) / 10m, "kg"),
                    < 8 => Quantity($"hr-{i}", "vital-signs", "8867-4", "Heart rate", when, random.Next(55, 110), "/min"),
                    _ => Quantity($"glu-{i}", "laboratory", "2339-0", "Glucose [Mass/volume] in Blood", when, random.Next(70, 180), "mg/dL"),
                },
            });
        }

        entries.Add(new JsonObject { ["resource"] = BloodPressure("bp-crisis", Now.AddHours(-2), 190, 112) });
        return request.ToJsonString();
    }

    public static void Write(int observations, string file)
    {
        File.WriteAllText(file, Request(observations));
        Console.WriteLine($"{file}: {observations + 3} observations, {new FileInfo(file).Length / 1024} KB");
    }

    public static void Run(int observations, int runs) => Run(System.Text.Encoding.UTF8.GetBytes(Request(observations)), $"{observations + 3} observations", runs);

    /// <summary>The same measurement on a request file (<c>compare FILE runs</c>).</summary>
    public static void Run(string file, int runs) => Run(File.ReadAllBytes(file), Path.GetFileName(file), runs);

    private static void Run(byte[] body, string what, int runs)
    {
        var handler = Handler();
        var service = CdsServiceCatalog.Describe(handler.Packs.Current, CdsServiceCatalog.OrderSign);
        var (json, ostrich, full) = (new List<double>(), new List<double>(), new List<double>());
        long allocated = 0, jsonAllocated = 0;
        string cards = "";
        for (var run = 0; run < runs + 3; run++)
        {
            var jsonBefore = GC.GetAllocatedBytesForCurrentThread();
            var t = Stopwatch.GetTimestamp();
            JsonDocument.Parse(body).Dispose();
            var j = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var jsonBytes = GC.GetAllocatedBytesForCurrentThread() - jsonBefore;

            t = Stopwatch.GetTimestamp();
            var parsed = OstrichParse(body);
            var o = Stopwatch.GetElapsedTime(t).TotalMilliseconds;

            var before = GC.GetAllocatedBytesForCurrentThread();
            t = Stopwatch.GetTimestamp();
            using (var document = JsonDocument.Parse(body))
            {
                var response = handler.Handler.HandleAsync(service, new CallerContext(KetamineCds.Api.Auth.EhrProfiles.Shipped[KetamineCds.Api.Auth.EhrProfiles.Spec], new Uri("http://localhost:5080/")), document.RootElement, CancellationToken.None).GetAwaiter().GetResult();
                cards = string.Join(", ", response.Cards.Select(c => c.Extension!.TryGetValue("org.ketaminecds.rule", out var rule) ? rule.Split('@')[0] : c.Summary[..20]));
                JsonSerializer.SerializeToUtf8Bytes(response, CdsJsonContext.Default.CdsResponse);
            }

            var f = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (run >= 3)
            {
                json.Add(j);
                ostrich.Add(o);
                full.Add(f);
                allocated += bytes;
                jsonAllocated += jsonBytes;
            }

            GC.KeepAlive(parsed);
        }

        static double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }

        var (mj, mo, mf) = (Median(json), Median(ostrich), Median(full));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}, {body.Length / 1024} KB, medians of {runs} runs: JSON parse {mj:0.0} ms, Ostrich parse {mo:0.0} ms, service {mf:0.0} ms; "
            + $"service / JSON {mf / mj:0.00}, service / Ostrich {mf / mo:0.00}; allocated per service call {allocated / runs / 1024 / 1024.0:0.0} MB, "
            + $"of which the JSON document of the body {jsonAllocated / runs / 1024 / 1024.0:0.0} MB"));
        Console.WriteLine($"cards: {cards}");
        // What the record filter let through: memory follows the resources built, not the body.
        using (var document = JsonDocument.Parse(body))
        {
            var reader = new KetamineCds.Rules.Record.RecordReader(handler.Packs.Current.RecordFilter(Now));
            reader.Read("prefetch observations", document.RootElement.GetProperty("prefetch").GetProperty("observations"));
            Console.WriteLine($"observations built {reader.Resources.Count}, left unparsed {reader.Skipped}; "
                + $"allocated per built resource {allocated / runs / Math.Max(1, reader.Resources.Count) / 1024} KB");
        }
    }

    /// <summary>Ostrich-parse-only throughput on every core for <paramref name="seconds"/>: requests per second.</summary>
    public static void Floor(string file, int seconds)
    {
        var body = File.ReadAllBytes(file);
        // Warm first, as a service under load is: the JIT's later tiers take a few seconds of calls to arrive.
        var warm = Stopwatch.GetTimestamp() + (long)(Math.Min(5, seconds) * Stopwatch.Frequency);
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            while (Stopwatch.GetTimestamp() < warm)
            {
                OstrichParse(body);
            }
        });
        long done = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                OstrichParse(body);
                Interlocked.Increment(ref done);
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{file} ({body.Length / 1024} KB): Ostrich parse of every prefetch resource, {Environment.ProcessorCount} threads, {seconds} s: {done / (double)seconds:0.0} requests/s"));
    }

    /// <summary>What the service did before: every resource of every prefetch value into Firely POCOs, Ostrich mode.</summary>
    private static int OstrichParse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var count = 0;
        foreach (var value in document.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            var reader = new Utf8JsonReader(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value.Value));
            Ostrich.TryDeserializeResource(ref reader, out var resource, out _);
            count += resource is Hl7.Fhir.Model.Bundle bundle ? bundle.Entry.Count : 1;
        }

        return count;
    }

    private static (HookHandler Handler, RulePackProvider Packs) Handler()
    {
        var metrics = new CdsMetrics(new UnobservedMeterFactory());
        var packs = new RulePackProvider(Options.Create(new RulesOptions { Path = Path.Combine(RequestCorpus.FindRoot(), "rules") }), TimeProvider.System, metrics,
            NullLogger<RulePackProvider>.Instance);
        var assembler = new PatientDataAssembler(new FhirQueryClient(new HttpClient(), metrics), Options.Create(new FhirOptions()), new HostEnvironment(),
            NullLogger<PatientDataAssembler>.Instance);
        // The card policy's memory on a SQLite file of its own, as the quick start keeps it: its read and write are part of every call.
        var storeOptions = Options.Create(new StoreOptions { ConnectionString = $"Data Source={Path.Combine(Path.GetTempPath(), $"kcds-bench-{Guid.NewGuid():N}.db")}" });
        var store = new SqlCdsStore(storeOptions, TimeProvider.System);
        store.Migrate();
        var health = new StoreHealth(storeOptions, TimeProvider.System, NullLogger<StoreHealth>.Instance);
        var audit = new AuditScope(new AuditBuffer(storeOptions), new AuditHasher(storeOptions), new PinnedClock());
        var call = new HookCallScope(audit, metrics, new DiagnosticContext(null), NullLogger<HookCallScope>.Instance);
        return (new HookHandler(packs, assembler, new PinnedClock(), new CardMemory(store, new AuditHasher(storeOptions), new CardMemoryWriter(store, health, storeOptions), health), call), packs);
    }

    private sealed class PinnedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class HostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "bench";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static JsonObject BloodPressure(string id, DateTimeOffset when, int systolic, int diastolic) => new()
    {
        ["resourceType"] = "Observation", ["id"] = id, ["status"] = "final",
        ["category"] = Category("vital-signs"),
        ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
        ["code"] = Code("85354-9", "Blood pressure panel"),
        ["effectiveDateTime"] = when.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["component"] = new JsonArray(
            new JsonObject { ["code"] = Code("8480-6", "Systolic blood pressure"), ["valueQuantity"] = Value(systolic, "mm[Hg]") },
            new JsonObject { ["code"] = Code("8462-4", "Diastolic blood pressure"), ["valueQuantity"] = Value(diastolic, "mm[Hg]") }),
    };

    private static JsonObject Quantity(string id, string category, string code, string display, DateTimeOffset when, decimal value, string unit) => new()
    {
        ["resourceType"] = "Observation", ["id"] = id, ["status"] = "final",
        ["category"] = Category(category),
        ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
        ["code"] = Code(code, display),
        ["effectiveDateTime"] = when.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["valueQuantity"] = Value(value, unit),
    };

    private static JsonArray Category(string code) =>
        [new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = code }) }];

    private static JsonObject Code(string code, string display) =>
        new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code, ["display"] = display }), ["text"] = display };

    private static JsonObject Value(decimal value, string unit) =>
        new() { ["value"] = value, ["unit"] = unit, ["system"] = "http://unitsofmeasure.org", ["code"] = unit };
}
