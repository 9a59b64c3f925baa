using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Pharos.Bench.TieringBench).Assembly).Run(args);
