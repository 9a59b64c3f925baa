namespace Pharos.Service.Reports;

/// <summary>
/// Sample percentiles by linear interpolation between closest ranks: Hyndman and Fan's type 7, the default of R's
/// <c>quantile</c> and NumPy's <c>percentile</c>, and what Excel's PERCENTILE.INC computes. Written out rather than
/// taking a statistics package for three numbers; the tests pin it to values those tools give.
/// </summary>
public static class Percentile
{
    /// <summary>The <paramref name="p"/>-th quantile (0 ≤ p ≤ 1) of <paramref name="values"/> in any order; null when there are none.</summary>
    public static double? Of(IEnumerable<double> values, double p)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, p);
    }

    /// <summary>As <see cref="Of"/>, for values already in ascending order (so several percentiles share one sort).</summary>
    public static double? OfSorted(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (sorted.Count == 0) return null;
        var h = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        if (lower >= sorted.Count - 1) return sorted[^1];
        return sorted[lower] + (h - lower) * (sorted[lower + 1] - sorted[lower]);
    }
}
