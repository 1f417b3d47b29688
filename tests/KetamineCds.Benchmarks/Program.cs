using System.Globalization;
using BenchmarkDotNet.Running;
using KetamineCds.Benchmarks;

// Working tools beside BenchmarkDotNet (which takes any other arguments):
//   phases N [runs]     where one call's time and allocations go, phase by phase, and the costliest rules (PhaseProfile)
//   ratio N runs        full pipeline against parse-only, called alternately, medians (RatioCheck)
//   evaluate N runs     record, evaluation and cards in a loop, for a CPU profiler such as perf (EvaluationLoop)
//   audit-writer CONNECTION N   the audit writer alone: N queued calls written to a store, calls per second (AuditWriterThroughput)
//   long N runs         a record with N observations: the service against an Ostrich parse and a JSON parse of it (LongRecord)
//   write-long N FILE   that request as a file, for wrk
//   compare FILE runs   the same for a request file
//   floor FILE seconds  requests per second if serving a request were only the Ostrich parse of its prefetch
switch (args)
{
    case ["phases", var size, .. var rest]:
        PhaseProfile.Run(Number(size), rest is [var phaseRuns] ? Number(phaseRuns) : 40);
        return;
    case ["ratio", var size, var ratioRuns]:
        RatioCheck.Run(Number(size), Number(ratioRuns));
        return;
    case ["evaluate", var size, var loopRuns]:
        EvaluationLoop.Run(Number(size), Number(loopRuns));
        return;
    case ["audit-writer", var connection, var records]:
        AuditWriterThroughput.Run(connection, Number(records));
        return;
    case ["long", var observations, var longRuns]:
        LongRecord.Run(Number(observations), Number(longRuns));
        return;
    case ["write-long", var observations, var file]:
        LongRecord.Write(Number(observations), file);
        return;
    case ["write-corpus", var resources, var file]:
        File.WriteAllText(file, RequestCorpus.OrderSign(Number(resources)));
        Console.WriteLine($"{file}: {resources} resources, {new FileInfo(file).Length / 1024} KB");
        return;
    case ["compare", var file, var compareRuns]:
        LongRecord.Run(file, Number(compareRuns));
        return;
    case ["floor", var file, var seconds]:
        LongRecord.Floor(file, Number(seconds));
        return;
}

BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);

static int Number(string? text) => int.Parse(text ?? "", CultureInfo.InvariantCulture);
