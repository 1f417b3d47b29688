using BenchmarkDotNet.Running;
using KetamineCds.Benchmarks;

// "phases N": the per-phase split of one call (PhaseProfile); anything else goes to BenchmarkDotNet.
if (args is ["phases", var size])
{
    PhaseProfile.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);
