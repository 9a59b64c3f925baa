using BenchmarkDotNet.Attributes;
using Pharos.Customers.Dashboard;
using Pharos.Customers.Public;
using Pharos.Customers.Tiering;

namespace Pharos.Bench;

/// <summary>
/// Every change of a tier input recomputes the whole book (ADR 0004). This measures that arithmetic against its
/// floor: sorting the same revenues, which any Pareto ranking must do.
/// </summary>
[MemoryDiagnoser]
public class TieringBench
{
    [Params(1_000, 10_000, 100_000)] public int Accounts { get; set; }
    private List<TierInput> _inputs = [];
    private decimal[] _revenues = [];
    private readonly TieringRules _rules = new();

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _inputs = Enumerable.Range(0, Accounts).Select(_ => new TierInput(Guid.CreateVersion7(),
            Math.Round((decimal)(120_000 * Math.Exp(1.7 * (rng.NextDouble() * 2 - 1)))), rng.NextDouble() < 0.03,
            (Influence)rng.Next(3), rng.Next(0, 300), (LifecycleStage)rng.Next(4))).ToList();
        _revenues = _inputs.Select(i => i.Revenue).ToArray();
    }

    [Benchmark(Baseline = true, Description = "sort revenues (floor)")]
    public decimal[] SortRevenues() => _revenues.OrderByDescending(r => r).ToArray();

    [Benchmark(Description = "TierEngine.Compute")]
    public IReadOnlyList<TierResult> Compute() => TierEngine.Compute(_inputs, _rules);

    [Benchmark(Description = "TierDashboard.Pareto")]
    public object Pareto() => TierDashboard.Pareto(_revenues);
}
