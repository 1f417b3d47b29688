using System.Diagnostics;

namespace KetamineCds.Benchmarks;

/// <summary>
/// A quick full/parse-only ratio while working: the two BenchmarkDotNet cases called alternately in one process, so
/// machine noise hits both alike; medians of single calls. <c>… -- ratio 50 4000</c>. BenchmarkDotNet gives the
/// figures to report.
/// </summary>
public static class RatioCheck
{
    public static void Run(int resources, int runs)
    {
        var benchmark = new PipelineBenchmarks { Resources = resources };
        benchmark.Setup();
        var parse = new List<double>(runs);
        var full = new List<double>(runs);
        for (var run = 0; run < runs + 200; run++)
        {
            var started = Stopwatch.GetTimestamp();
            benchmark.ParseOnly();
            var parsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            started = Stopwatch.GetTimestamp();
            benchmark.FullPipeline().GetAwaiter().GetResult();
            var whole = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (run >= 200)
            {
                parse.Add(parsed);
                full.Add(whole);
            }
        }

        parse.Sort();
        full.Sort();
        var (p, f) = (parse[runs / 2], full[runs / 2]);
        Console.WriteLine($"{resources} resources, medians of {runs} alternating calls: parse-only {p:0.000} ms, full {f:0.000} ms, ratio {f / p:0.00}");
    }
}
