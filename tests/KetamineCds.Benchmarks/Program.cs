using BenchmarkDotNet.Running;
using KetamineCds.Benchmarks;

// "phases N": the per-phase split of one call (PhaseProfile); anything else goes to BenchmarkDotNet.
if (args is ["phases", var size, .. var rest])
{
    PhaseProfile.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture),
        rest is [var runs] ? int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture) : 40);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);
