using BenchmarkDotNet.Running;
using Pharos.Bench.Ingestion;

// End-to-end load drivers take a verb; everything else is BenchmarkDotNet.
return args switch
{
    ["serve-baseline", ..] => await ServeBaselineAsync(args),
    ["ingest", ..] => await IngestLoad.RunAsync(args[1..]),
    ["append", ..] => await StoreAppend.RunAsync(args[1..]),
    ["explain", ..] => await Pharos.Bench.Queries.ExplainScan.RunAsync(args[1..]),
    ["queries", ..] => await Pharos.Bench.Queries.QueryTimings.RunAsync(args[1..]),
    _ => Run(args),
};

static async Task<int> ServeBaselineAsync(string[] args)
{
    await ParseOnlyServer.RunAsync(args[1..]);
    return 0;
}

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Pharos.Bench.TieringBench).Assembly).Run(args);
    return 0;
}
