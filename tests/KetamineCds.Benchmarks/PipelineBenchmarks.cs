using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;
using KetamineCds.Api.Audit;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog.Extensions.Hosting;

namespace KetamineCds.Benchmarks;

/// <summary>
/// Parse-only (the floor: reading the request into the model the service uses) against the full pipeline (parse,
/// assemble the record, evaluate the whole pack, build and serialise the cards), at three request sizes.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private byte[] _body = [];
    private HookHandler _handler = null!;
    private RulePackProvider _packs = null!;

    /// <summary>The request sizes: 50, 500 and 5,000 resources, or those listed in BENCH_SIZES (e.g. <c>BENCH_SIZES=50</c>).</summary>
    public static IEnumerable<int> Sizes =>
        System.Environment.GetEnvironmentVariable("BENCH_SIZES")?.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)) ?? [50, 500, 5000];

    [ParamsSource(nameof(Sizes))]
    public int Resources { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(RequestCorpus.OrderSign(Resources)).RootElement);
        // Nobody listens to the meter here: the figures are the pipeline's cost with telemetry off.
        var metrics = new CdsMetrics(new UnobservedMeterFactory());
        _packs = new RulePackProvider(Options.Create(new RulesOptions { Path = Path.Combine(RequestCorpus.FindRoot(), "rules") }), TimeProvider.System, metrics, NullLogger<RulePackProvider>.Instance);
        var assembler = new PatientDataAssembler(new FhirQueryClient(new HttpClient(), metrics), Options.Create(new FhirOptions()), new Environment(), NullLogger<PatientDataAssembler>.Instance);
        // The card policy's memory on a SQLite file of its own, as the quick start keeps it: its read and write are part of every call.
        var storeOptions = Options.Create(new StoreOptions { ConnectionString = $"Data Source={Path.Combine(Path.GetTempPath(), $"kcds-bench-{Guid.NewGuid():N}.db")}" });
        var store = new SqlCdsStore(storeOptions, TimeProvider.System);
        store.Migrate();
        var health = new StoreHealth(storeOptions, TimeProvider.System, NullLogger<StoreHealth>.Instance);
        var audit = new AuditScope(new AuditBuffer(storeOptions), new AuditHasher(storeOptions), new FixedClock());
        var call = new HookCallScope(audit, metrics, new DiagnosticContext(null), NullLogger<HookCallScope>.Instance);
        _handler = new HookHandler(_packs, assembler, new FixedClock(), new CardMemory(store, new AuditHasher(storeOptions), new CardMemoryWriter(store, health, storeOptions), health), call);
    }

    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_body);
        var count = 0;
        foreach (var value in document.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            count += FhirJson.Flatten(FhirJson.Parse(value.Value)).Count();
        }

        foreach (var entry in document.RootElement.GetProperty("context").GetProperty("draftOrders").GetProperty("entry").EnumerateArray())
        {
            count += FhirJson.Parse(entry.GetProperty("resource")) is null ? 0 : 1;
        }

        return count;
    }

    [Benchmark]
    public async Task<int> FullPipeline()
    {
        using var document = JsonDocument.Parse(_body);
        var response = await _handler.HandleAsync(CdsServiceCatalog.Describe(_packs.Current, CdsServiceCatalog.OrderSign), new CallerContext(KetamineCds.Api.Auth.EhrProfiles.Shipped[KetamineCds.Api.Auth.EhrProfiles.Spec], new Uri("http://localhost:5080/")), document.RootElement, CancellationToken.None);
        return JsonSerializer.SerializeToUtf8Bytes(response, CdsJsonContext.Default.CdsResponse).Length;
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2012, 6, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "bench";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>The rule pack alone against a large real record (issue: evaluate the full pack on hundreds of resources).</summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private CompiledPack _pack = null!;
    private PatientRecord _record = null!;
    private HookContext _hook = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = RequestCorpus.FindRoot();
        _pack = KetamineCds.Rules.Loading.RulePackLoader.Load(Path.Combine(root, "rules")).Pack!;
        var bundle = (Bundle)FhirJson.Parse(File.ReadAllText(Path.Combine(root, "tests", "third-party", "fhir-patients", "synthea-smart-r4",
            "Darron_Feeney_ff447d4a-3e5c-4e90-9854-a66a1d0bdfac.json")))!;
        _record = new PatientRecord(bundle.Entry.Select(e => e.Resource).OfType<Resource>());
        _hook = new HookContext("order-sign", [new MedicationRequest { Id = "k", Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") }], []);
    }

    [Benchmark]
    public int EvaluateWholePack() =>
        RuleEvaluator.Evaluate(_pack, _record, _hook, new DateTimeOffset(2005, 1, 1, 0, 0, 0, TimeSpan.Zero)).Findings.Count;
}

internal sealed class UnobservedMeterFactory : System.Diagnostics.Metrics.IMeterFactory
{
    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

    public void Dispose()
    {
    }
}
