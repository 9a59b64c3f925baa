using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;

namespace Pharos.Analytics.Retention;

/// <summary>
/// Retention tables over scanned rows (docs/analytics-semantics.md). Rows may come in any order; ordered by unit,
/// consecutive rows of one unit skip the dictionary lookup.
/// </summary>
internal static class RetentionEngine
{
    public static async Task<RetentionResult> RunAsync(RetentionDefinition definition, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        definition.ThrowIfInvalid();
        var calendar = new LocalCalendar(LocalCalendar.Zone(definition.TimeZone));
        var interval = definition.Period;
        var startBit = 1 << definition.StartMatcher;
        var returnBit = 1 << definition.ReturnMatcher;
        var from = LocalCalendar.Micros(definition.From);
        var to = LocalCalendar.Micros(definition.To);
        var recurring = definition.Mode == RetentionMode.Recurring;
        var units = new Dictionary<string, Unit>(StringComparer.Ordinal);
        string? lastKey = null;
        Unit? last = null;
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if ((++n & 4095) == 0) ct.ThrowIfCancellationRequested();
            var isStart = (row.Mask & startBit) != 0;
            var isReturn = (row.Mask & returnBit) != 0;
            if (!isStart && !isReturn) continue;
            var key = definition.CountBy == CountBy.Account ? row.Account : row.Person;
            if (key is null) continue;
            if (!ReferenceEquals(key, lastKey) && !string.Equals(key, lastKey, StringComparison.Ordinal))
            {
                if (!units.TryGetValue(key, out last)) units.Add(key, last = new Unit());
                lastKey = key;
            }
            var ts = row.TimestampMicros;
            if (isStart)
            {
                if (recurring) { if (ts >= from && ts < to) AddPeriod(last!.Starts, calendar.Period(ts, interval)); }
                else if (ts < last!.FirstStart) last.FirstStart = ts;
            }
            if (isReturn) AddPeriod(last!.Returns, calendar.Period(ts, interval));
        }
        ct.ThrowIfCancellationRequested();
        return Table(definition, calendar, units.Values, from, to);
    }

    private static RetentionResult Table(RetentionDefinition d, LocalCalendar calendar, IEnumerable<Unit> units, long from, long to)
    {
        var first = calendar.Period(from, d.Period);
        var cohorts = calendar.Period(to - 1, d.Period) - first + 1;
        var width = d.Periods + 1;
        var sizes = new int[cohorts];
        var retained = new int[cohorts * width];
        foreach (var unit in units)
        {
            var returns = unit.Returns;
            SortDistinct(returns);
            if (d.Mode == RetentionMode.FirstTime)
            {
                if (unit.FirstStart >= from && unit.FirstStart < to)
                    Count(calendar.Period(unit.FirstStart, d.Period));
            }
            else
            {
                SortDistinct(unit.Starts);
                foreach (var start in unit.Starts) Count(start);
            }

            void Count(int start)
            {
                var c = start - first;
                sizes[c]++;
                if (returns.Count == 0) return;
                if (d.Criterion == RetentionCriterion.OnOrAfter)
                {
                    var reach = Math.Min(d.Periods, returns[^1] - start);
                    for (var p = 1; p <= reach; p++) retained[c * width + p]++;
                    return;
                }
                var i = returns.BinarySearch(start + 1);
                for (i = i < 0 ? ~i : i; i < returns.Count && returns[i] - start <= d.Periods; i++)
                    retained[c * width + returns[i] - start]++;
            }
        }

        var observedUntil = d.ObservedUntil is { } o ? calendar.Period(LocalCalendar.Micros(o) - 1, d.Period) : int.MaxValue;
        var rows = new List<RetentionCohort>(cohorts);
        var meanRetained = new long[width];
        var meanSize = new long[width];
        var observable = new bool[width];
        for (var c = 0; c < cohorts; c++)
        {
            var size = sizes[c];
            var cells = new RetentionCell[width];
            for (var p = 0; p < width; p++)
            {
                if (first + c + p > observedUntil)
                {
                    cells[p] = new RetentionCell(p, null, null);
                    continue;
                }
                var count = p == 0 ? size : retained[c * width + p];
                cells[p] = new RetentionCell(p, count, size == 0 ? null : 100.0 * count / size);
                observable[p] = true;
                meanRetained[p] += count;
                meanSize[p] += size;
            }
            rows.Add(new RetentionCohort(LocalCalendar.PeriodStart(first + c, d.Period), size, cells));
        }
        var mean = new RetentionCell[width];
        for (var p = 0; p < width; p++)
            mean[p] = new RetentionCell(p, observable[p] ? (int)meanRetained[p] : null,
                meanSize[p] == 0 ? null : 100.0 * meanRetained[p] / meanSize[p]);
        return new RetentionResult(rows, mean);
    }

    /// <summary>Rows in time order repeat the same period many times: only a change is kept.</summary>
    private static void AddPeriod(List<int> periods, int period)
    {
        if (periods.Count == 0 || periods[^1] != period) periods.Add(period);
    }

    private static void SortDistinct(List<int> periods)
    {
        if (periods.Count < 2) return;
        periods.Sort();
        var w = 1;
        for (var r = 1; r < periods.Count; r++)
            if (periods[r] != periods[w - 1]) periods[w++] = periods[r];
        periods.RemoveRange(w, periods.Count - w);
    }

    private sealed class Unit
    {
        public long FirstStart = long.MaxValue;
        public List<int> Starts { get; } = [];
        public List<int> Returns { get; } = [];
    }
}
