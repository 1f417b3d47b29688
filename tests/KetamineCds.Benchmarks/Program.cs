using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(KetamineCds.Benchmarks.PipelineBenchmarks).Assembly).Run(args);
