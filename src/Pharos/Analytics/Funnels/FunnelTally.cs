namespace Pharos.Analytics.Funnels;

/// <summary>Sums the units' outcomes per breakdown value and in total, then builds the result rows.</summary>
internal sealed class FunnelTally(FunnelDefinition definition) : IFunnelSink
{
    private readonly int _n = definition.Steps.Count;
    private readonly Counts _total = new(definition.Steps.Count);
    private readonly Dictionary<string, Counts> _values = new(StringComparer.Ordinal);
    private int _excluded;

    public void Converted(string unit, int maxStep, ReadOnlySpan<long> stepTimes, string? breakdown)
    {
        _total.Add(maxStep, stepTimes);
        if (!definition.Breakdown) return;
        var value = breakdown ?? BreakdownLabels.None;
        if (!_values.TryGetValue(value, out var counts)) _values.Add(value, counts = new Counts(_n));
        counts.Add(maxStep, stepTimes);
    }

    public void Excluded(string unit) => _excluded++;

    /// <summary>
    /// The values that keep their own row: the most units at step 1 first, then the most at the last step, then
    /// ordinal order; only the first <see cref="FunnelDefinition.BreakdownLimit"/>.
    /// </summary>
    public HashSet<string> KeptValues() => [.. Ranked().Take(definition.BreakdownLimit)];

    private IEnumerable<string> Ranked() => _values
        .OrderByDescending(v => v.Value.Reached[0])
        .ThenByDescending(v => v.Value.Reached[_n - 1])
        .ThenBy(v => v.Key, StringComparer.Ordinal)
        .Select(v => v.Key);

    public FunnelResult Result()
    {
        var breakdowns = new List<FunnelSeries>();
        if (definition.Breakdown)
        {
            var ranked = Ranked().ToList();
            foreach (var value in ranked.Take(definition.BreakdownLimit)) breakdowns.Add(Series(value, _values[value]));
            if (ranked.Count > definition.BreakdownLimit)
            {
                var other = new Counts(_n);
                foreach (var value in ranked.Skip(definition.BreakdownLimit)) other.Merge(_values[value]);
                breakdowns.Add(Series(BreakdownLabels.Other, other));
            }
        }
        return new FunnelResult(Series(null, _total), breakdowns, _excluded);
    }

    private FunnelSeries Series(string? label, Counts c)
    {
        var steps = new FunnelStepResult[_n];
        var first = c.Reached[0];
        for (var k = 0; k < _n; k++)
        {
            var count = c.Reached[k];
            var previous = k == 0 ? first : c.Reached[k - 1];
            var (median, average) = k == 0 ? (null, null) : Stats(c.Micros[k]);
            steps[k] = new FunnelStepResult(k + 1, definition.Steps[k], count,
                first == 0 ? 0 : 100.0 * count / first,
                previous == 0 ? 0 : 100.0 * count / previous,
                previous - count, median, average);
        }
        return new FunnelSeries(label, steps);
    }

    /// <summary>Median (the mean of the two middle values for an even count) and mean, in seconds.</summary>
    internal static (double? Median, double? Average) Stats(List<long> micros)
    {
        if (micros.Count == 0) return (null, null);
        micros.Sort();
        var mid = micros.Count / 2;
        var median = micros.Count % 2 == 1 ? micros[mid] / 1e6 : (micros[mid - 1] + (double)micros[mid]) / 2e6;
        Int128 sum = 0;
        foreach (var m in micros) sum += m;
        return (median, (double)sum / micros.Count / 1e6);
    }

    private sealed class Counts(int n)
    {
        /// <summary>Index k: units that reached step k+1.</summary>
        public int[] Reached { get; } = new int[n];
        /// <summary>Index k ≥ 1: the kept attempts' µs from step k to step k+1.</summary>
        public List<long>[] Micros { get; } = [.. Enumerable.Range(0, n).Select(_ => new List<long>())];

        public void Add(int maxStep, ReadOnlySpan<long> times)
        {
            for (var k = 0; k < maxStep; k++) Reached[k]++;
            for (var k = 1; k < maxStep; k++) Micros[k].Add(times[k] - times[k - 1]);
        }

        public void Merge(Counts other)
        {
            for (var k = 0; k < n; k++)
            {
                Reached[k] += other.Reached[k];
                Micros[k].AddRange(other.Micros[k]);
            }
        }
    }
}
