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
        var seen = unique ? new SeenBuckets(buckets, series) : null;
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
                        // The distinct-unit keys hold a value id in 28 bits.
                        if (values.Count == 1 << 28) throw new InvalidOperationException("More than 2^28 breakdown values.");
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
                if (seen is not null && !seen.Add(unitId, s, valueId, bucket)) continue;
                var perValue = counts[s];
                while (perValue.Count <= valueId) perValue.Add(null);
                (perValue[valueId] ??= new long[buckets])[bucket]++;
            }
        }
        ct.ThrowIfCancellationRequested();

        var bucketDays = Enumerable.Range(first, buckets).Select(p => LocalCalendar.PeriodStart(p, definition.Interval)).ToList();
        var result = new List<TrendSeries>();
        for (var s = 0; s < series; s++)
        {
            var matcher = definition.Series[s];
            long Total(int value) => seen?.Units(s, value) ?? counts[s][value]!.Sum();
            if (!definition.Breakdown)
            {
                var line = counts[s].Count > 0 && counts[s][0] is { } c ? c : new long[buckets];
                result.Add(new TrendSeries(s, matcher, null, line, counts[s].Count > 0 ? Total(0) : 0));
                continue;
            }
            var present = Enumerable.Range(0, counts[s].Count).Where(v => counts[s][v] is not null)
                .Select(v => (Id: v, Total: Total(v)))
                .OrderByDescending(v => v.Total).ThenBy(v => values[v.Id], StringComparer.Ordinal).ToList();
            foreach (var (id, total) in present.Take(definition.BreakdownLimit))
                result.Add(new TrendSeries(s, matcher, values[id], counts[s][id]!, total));
            if (present.Count <= definition.BreakdownLimit) continue;
            var rest = present.Skip(definition.BreakdownLimit).Select(v => v.Id).ToHashSet();
            if (seen is null)
            {
                var other = new long[buckets];
                foreach (var id in rest) for (var b = 0; b < buckets; b++) other[b] += counts[s][id]![b];
                result.Add(new TrendSeries(s, matcher, BreakdownLabels.Other, other, other.Sum()));
            }
            else
            {
                var (other, units) = seen.Union(s, rest);
                result.Add(new TrendSeries(s, matcher, BreakdownLabels.Other, other, units));
            }
        }
        return new TrendResult(bucketDays, result);
    }

    /// <summary>
    /// Which buckets each (unit, series, value) was seen in, as a bit set per combination in one pooled array: exact
    /// distinct counts in any row order, one bit test per row, and no per-row allocation.
    /// </summary>
    private sealed class SeenBuckets(int buckets, int series)
    {
        private readonly int _words = (buckets + 63) >> 6;
        private readonly Dictionary<long, int> _combos = [];
        private readonly List<long> _keys = [];
        private long[] _bits = new long[1024];
        private readonly long[] _lastKey = Enumerable.Repeat(-1L, series).ToArray();
        private readonly int[] _lastCombo = new int[series];
        private readonly Dictionary<(int Series, int Value), long> _units = [];

        /// <summary>Marks the bucket; false when the unit was already counted there.</summary>
        public bool Add(int unit, int s, int value, int bucket)
        {
            var key = ((long)unit << 32) | ((long)s << 28) | (uint)value;
            int combo;
            if (_lastKey[s] == key) combo = _lastCombo[s];
            else
            {
                if (!_combos.TryGetValue(key, out combo))
                {
                    combo = _keys.Count;
                    _combos.Add(key, combo);
                    _keys.Add(key);
                    if ((combo + 1) * _words > _bits.Length) Array.Resize(ref _bits, Math.Max(_bits.Length * 2, (combo + 1) * _words));
                    _units[(s, value)] = _units.GetValueOrDefault((s, value)) + 1;
                }
                _lastKey[s] = key;
                _lastCombo[s] = combo;
            }
            ref var word = ref _bits[combo * _words + (bucket >> 6)];
            var bit = 1L << (bucket & 63);
            if ((word & bit) != 0) return false;
            word |= bit;
            return true;
        }

        /// <summary>Distinct units of one series and value over the whole range.</summary>
        public long Units(int s, int value) => _units.GetValueOrDefault((s, value));

        /// <summary>Per bucket and overall, the distinct units of a series under any of the values: a unit seen under two counts once.</summary>
        public (long[] PerBucket, long Units) Union(int s, HashSet<int> values)
        {
            var perUnit = new Dictionary<int, long[]>();
            for (var combo = 0; combo < _keys.Count; combo++)
            {
                var key = _keys[combo];
                if ((int)((key >> 28) & 0xF) != s || !values.Contains((int)(key & 0x0FFF_FFFF))) continue;
                var unit = (int)(key >> 32);
                if (!perUnit.TryGetValue(unit, out var bits)) perUnit.Add(unit, bits = new long[_words]);
                for (var w = 0; w < _words; w++) bits[w] |= _bits[combo * _words + w];
            }
            var perBucket = new long[buckets];
            foreach (var bits in perUnit.Values)
                for (var b = 0; b < buckets; b++)
                    if ((bits[b >> 6] & (1L << (b & 63))) != 0) perBucket[b]++;
            return (perBucket, perUnit.Count);
        }
    }
}
