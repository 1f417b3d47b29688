using System.Diagnostics;
using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Fhir;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;

namespace KetamineCds.Benchmarks;

/// <summary>
/// Where one order-sign call spends its time, phase by phase (median of warm runs), to guide optimisation:
/// <c>dotnet run -c Release --project tests/KetamineCds.Benchmarks -- phases 500</c>. BenchmarkDotNet gives the
/// totals; this gives the split.
/// </summary>
public static class PhaseProfile
{
    public static void Run(int resources, int runs = 40)
    {
        var profiled = ProfiledOrderSign.Build(resources);
        var (body, pack, now) = (profiled.Body, profiled.Pack, profiled.Now);
        var phases = new Dictionary<string, List<double>>();
        var allocated = new Dictionary<string, long>();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        void Time(string phase, long started)
        {
            (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var now = GC.GetAllocatedBytesForCurrentThread();
            allocated[phase] = allocated.GetValueOrDefault(phase) + (now - allocatedBefore);
            allocatedBefore = now;
        }

        for (var run = 0; run < runs + 5; run++)
        {
            allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var t = Stopwatch.GetTimestamp();
            using var document = JsonDocument.Parse(body);
            Time("json document", t);

            t = Stopwatch.GetTimestamp();
            var request = CdsRequestReader.Read(document.RootElement, CdsServiceCatalog.Describe(pack, CdsServiceCatalog.OrderSign));
            Time("request validation", t);

            t = Stopwatch.GetTimestamp();
            var resourcesParsed = new List<Resource>();
            foreach (var value in document.RootElement.GetProperty("prefetch").EnumerateObject())
            {
                resourcesParsed.AddRange(FhirJson.Flatten(FhirJson.Parse(value.Value)));
            }

            var drafts = FhirJson.Flatten(FhirJson.Parse(request.DraftOrders!.Value)).OfType<MedicationRequest>().ToList();
            Time("FHIR parse", t);

            t = Stopwatch.GetTimestamp();
            var record = new PatientRecord(resourcesParsed);
            Time("record index", t);

            t = Stopwatch.GetTimestamp();
            var result = RuleEvaluator.Evaluate(pack, record, new HookContext("order-sign", drafts, []), now);
            Time("evaluate", t);

            t = Stopwatch.GetTimestamp();
            var cards = result.Findings.Select(f => CardMapper.ToCard(f, pack, KetamineCds.Api.Auth.EhrProfiles.Shipped[KetamineCds.Api.Auth.EhrProfiles.Spec], new Uri("http://localhost:5080/"))).ToList();
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new CdsResponse(cards), CdsJsonContext.Default.CdsResponse);
            Time("cards + serialise", t);
            if (run < 5)
            {
                phases.Clear(); // warm-up
                allocated.Clear();
            }
        }

        Console.WriteLine($"order-sign, {resources} resources, {body.Length / 1024} KB, median of {runs} warm runs:");
        var total = phases.Values.Sum(Median);
        foreach (var (phase, times) in phases)
        {
            Console.WriteLine($"  {phase,-20} {Median(times),8:0.000} ms  {Median(times) / total,6:P0}  {allocated.GetValueOrDefault(phase) / runs / 1024.0,9:0.0} KB");
        }

        Console.WriteLine($"  {"total",-20} {total,8:0.000} ms");
        RuleCosts(profiled, runs);
    }

    /// <summary>The costliest rules (their conditions, in pack order on one shared context, as the evaluator runs them).</summary>
    private static void RuleCosts(ProfiledOrderSign request, int runs)
    {
        var (_, pack, now, resources, drafts) = request;
        var costs = pack.Rules.ToDictionary(r => r.Id, _ => new List<double>());
        var bytes = pack.Rules.ToDictionary(r => r.Id, _ => 0L);
        for (var run = 0; run < runs; run++)
        {
            var context = new EvaluationContext(new PatientRecord(resources), new HookContext("order-sign", [.. drafts], []), now, pack);
            foreach (var rule in pack.Rules.Where(r => r.IsActive && r.AppliesTo("order-sign")))
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var t = Stopwatch.GetTimestamp();
                rule.Condition.Evaluate(context);
                costs[rule.Id].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                bytes[rule.Id] += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        Console.WriteLine($"  costliest rules (median ms and KB allocated; first use of a value set pays for its index; all rules: {costs.Values.Where(c => c.Count > 0).Sum(Median):0.00} ms, {bytes.Values.Sum() / runs / 1024.0:0.0} KB):");
        foreach (var (id, times) in costs.Where(c => c.Value.Count > 0).OrderByDescending(c => Median(c.Value)).Take(8))
        {
            Console.WriteLine($"    {id,-22} {Median(times),8:0.00} {bytes[id] / runs / 1024.0,8:0.0} KB");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
