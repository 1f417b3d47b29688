using System.Diagnostics;
using System.Text.Json;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;

namespace KetamineCds.Benchmarks;

/// <summary>
/// Everything after parsing, in a tight loop, for a CPU profiler to sample without the parser's noise. perf gives
/// unbiased samples (EventPipe's sampler stops threads at allocation points, which over-weights allocating code):
/// <c>DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -g dotnet KetamineCds.Benchmarks.dll evaluate 50 60000</c>.
/// </summary>
public static class EvaluationLoop
{
    public static void Run(int resources, int runs)
    {
        var (_, pack, now, parsed, drafts) = ProfiledOrderSign.Build(resources);
        var started = Stopwatch.GetTimestamp();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var bytes = 0;
        for (var run = 0; run < runs; run++)
        {
            var result = RuleEvaluator.Evaluate(pack, new PatientRecord(parsed), new HookContext("order-sign", [.. drafts], []), now);
            var cards = result.Findings.Select(f => CardMapper.ToCard(f, pack, KetamineCds.Api.Auth.EhrProfiles.Shipped[KetamineCds.Api.Auth.EhrProfiles.Spec], new Uri("http://localhost:5080/"))).ToList();
            bytes += JsonSerializer.SerializeToUtf8Bytes(new CdsResponse(cards), CdsJsonContext.Default.CdsResponse).Length;
        }

        var perRun = Stopwatch.GetElapsedTime(started).TotalMilliseconds / runs;
        Console.WriteLine($"{resources} resources: record + evaluate + cards {perRun:0.000} ms and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / runs / 1024.0:0.0} KB per call (mean of {runs}; {bytes / runs} response bytes)");
    }
}
