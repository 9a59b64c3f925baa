using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Trends;

/// <summary>Counts per bucket over scanned rows, in any row order (docs/analytics-semantics.md).</summary>
internal static class TrendEngine
{
    public static async Task<TrendResult> RunAsync(TrendDefinition definition, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        definition.ThrowIfInvalid();
        var calendar = new LocalCalendar(LocalCalendar.Zone(definition.TimeZone));
        var from = LocalCalendar.Micros(definition.From);
        var to = LocalCalendar.Micros(definition.To);
        var first = calendar.Period(from, definition.Interval);
        var buckets = calendar.Period(to - 1, definition.Interval) - first + 1;
        var series = definition.Series.Count;
        var unique = definition.Measure != TrendMeasure.Events;

        // Value ids per breakdown value ("(none)" for a missing one); without a breakdown there is one value, 0.
        var valueIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new List<string?>();
        if (!definition.Breakdown) values.Add(null);
        var counts = Enumerable.Range(0, series).Select(_ => new List<long[]?>()).ToArray();
        var unitIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<Seen>();
        string? lastValue = null;
        var lastValueId = 0;
        string? lastUnit = null;
        var lastUnitId = 0;
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if ((++n & 4095) == 0) ct.ThrowIfCancellationRequested();
            var ts = row.TimestampMicros;
            if (ts < from || ts >= to) continue;
            var hits = 0;
            for (var s = 0; s < series; s++) if ((row.Mask & (1 << definition.Series[s])) != 0) hits |= 1 << s;
            if (hits == 0) continue;
            var unitId = 0;
            if (unique)
            {
                var unit = definition.Measure == TrendMeasure.UniqueAccounts ? row.Account : row.Person;
                if (unit is null) continue;
                if (!ReferenceEquals(unit, lastUnit) && !string.Equals(unit, lastUnit, StringComparison.Ordinal))
                {
                    if (!unitIds.TryGetValue(unit, out lastUnitId)) unitIds.Add(unit, lastUnitId = unitIds.Count);
                    lastUnit = unit;
                }
                unitId = lastUnitId;
            }
            var valueId = 0;
            if (definition.Breakdown)
            {
                var value = row.Breakdown ?? BreakdownLabels.None;
                if (!ReferenceEquals(value, lastValue) && !string.Equals(value, lastValue, StringComparison.Ordinal))
                {
                    if (!valueIds.TryGetValue(value, out lastValueId))
                    {
                        valueIds.Add(value, lastValueId = values.Count);
                        values.Add(value);
                    }
                    lastValue = value;
                }
                valueId = lastValueId;
            }
            var bucket = calendar.Period(ts, definition.Interval) - first;
            for (var s = 0; s < series; s++)
            {
                if ((hits & (1 << s)) == 0) continue;
                if (unique && !seen.Add(new Seen(unitId, valueId, s * buckets + bucket))) continue;
                var perValue = counts[s];
                while (perValue.Count <= valueId) perValue.Add(null);
                (perValue[valueId] ??= new long[buckets])[bucket]++;
            }
        }
        ct.ThrowIfCancellationRequested();

        var bucketDays = Enumerable.Range(first, buckets).Select(p => LocalCalendar.PeriodStart(p, definition.Interval)).ToList();
        var totals = unique ? UniqueTotals(seen, buckets) : null;
        var result = new List<TrendSeries>();
        for (var s = 0; s < series; s++)
        {
            var matcher = definition.Series[s];
            if (!definition.Breakdown)
            {
                var line = counts[s].Count > 0 && counts[s][0] is { } c ? c : new long[buckets];
                result.Add(new TrendSeries(s, matcher, null, line, totals?.GetValueOrDefault((s, 0)) ?? line.Sum()));
                continue;
            }
            var present = Enumerable.Range(0, counts[s].Count).Where(v => counts[s][v] is not null)
                .Select(v => (Id: v, Total: totals?.GetValueOrDefault((s, v)) ?? counts[s][v]!.Sum()))
                .OrderByDescending(v => v.Total).ThenBy(v => values[v.Id], StringComparer.Ordinal).ToList();
            foreach (var (id, total) in present.Take(definition.BreakdownLimit))
                result.Add(new TrendSeries(s, matcher, values[id], counts[s][id]!, total));
            if (present.Count <= definition.BreakdownLimit) continue;
            var rest = present.Skip(definition.BreakdownLimit).Select(v => v.Id).ToHashSet();
            if (!unique)
            {
                var other = new long[buckets];
                foreach (var id in rest) for (var b = 0; b < buckets; b++) other[b] += counts[s][id]![b];
                result.Add(new TrendSeries(s, matcher, BreakdownLabels.Other, other, other.Sum()));
            }
            else
            {
                // A unit seen under two of the grouped values counts once in "(other)".
                var perBucket = new HashSet<(int Unit, int Bucket)>();
                var overall = new HashSet<int>();
                var other = new long[buckets];
                foreach (var x in seen)
                {
                    if (x.SeriesBucket / buckets != s || !rest.Contains(x.Value)) continue;
                    if (perBucket.Add((x.Unit, x.SeriesBucket % buckets))) other[x.SeriesBucket % buckets]++;
                    overall.Add(x.Unit);
                }
                result.Add(new TrendSeries(s, matcher, BreakdownLabels.Other, other, overall.Count));
            }
        }
        return new TrendResult(bucketDays, result);
    }

    /// <summary>Distinct units per (series, value) over the whole range: a unit active in several buckets counts once.</summary>
    private static Dictionary<(int Series, int Value), long> UniqueTotals(HashSet<Seen> seen, int buckets)
    {
        var distinct = new HashSet<(int Unit, int Series, int Value)>();
        foreach (var x in seen) distinct.Add((x.Unit, x.SeriesBucket / buckets, x.Value));
        var totals = new Dictionary<(int, int), long>();
        foreach (var (_, s, v) in distinct) totals[(s, v)] = totals.GetValueOrDefault((s, v)) + 1;
        return totals;
    }

    private readonly record struct Seen(int Unit, int Value, int SeriesBucket);
}
