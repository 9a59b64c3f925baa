using System.Numerics;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Funnels;

/// <summary>
/// Funnels over scanned rows, one pass per unit (person or account) as PostHog's funnel UDF does it
/// (docs/analytics-semantics.md). Rows must come grouped by unit and in time order within it: a scan with
/// <see cref="EventScan.OrderByPersonAndTime"/>; funnels by account regroup the rows themselves.
/// </summary>
internal static class FunnelEngine
{
    public static async Task<FunnelResult> RunAsync(FunnelDefinition definition, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        definition.ThrowIfInvalid();
        var tally = new FunnelTally(definition);
        await FeedAsync(new FunnelPass(definition, tally), rows, ct);
        return tally.Result();
    }

    /// <summary>The units behind one bar of the funnel: those that reached a step, or dropped at it.</summary>
    public static async Task<FunnelUnits> ListUnitsAsync(FunnelDefinition definition, FunnelUnitsQuery query, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        definition.ThrowIfInvalid();
        var n = definition.Steps.Count;
        if (query.Step < (query.Dropped ? 2 : 1) || query.Step > n)
            throw new ArgumentException(query.Dropped ? $"Units drop at steps 2 to {n}." : $"Steps run from 1 to {n}.", nameof(query));
        if (query.Limit < 0) throw new ArgumentException("The limit cannot be negative.", nameof(query));
        if (query.Breakdown is not null && !definition.Breakdown)
            throw new ArgumentException("The funnel has no breakdown to filter on.", nameof(query));

        var collector = new UnitCollector(definition);
        await FeedAsync(new FunnelPass(definition, collector), rows, ct);

        // "(other)" only means something once the kept values are known, so the filter runs after the pass.
        var kept = collector.Tally.KeptValues();
        var matched = new List<string>();
        foreach (var (unit, maxStep, value) in collector.Units)
        {
            var reached = query.Dropped ? maxStep == query.Step - 1 : maxStep >= query.Step;
            if (!reached) continue;
            if (query.Breakdown is { } b && b != (kept.Contains(value) ? value : BreakdownLabels.Other)) continue;
            matched.Add(unit);
        }
        matched.Sort(StringComparer.Ordinal);
        var truncated = matched.Count > query.Limit;
        return new FunnelUnits(truncated ? matched.GetRange(0, query.Limit) : matched, matched.Count, truncated);
    }

    private static async Task FeedAsync(FunnelPass pass, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if ((++n & 4095) == 0) ct.ThrowIfCancellationRequested();
            pass.Add(in row);
        }
        ct.ThrowIfCancellationRequested();
        pass.Complete(ct);
    }

    private sealed class UnitCollector(FunnelDefinition definition) : IFunnelSink
    {
        public FunnelTally Tally { get; } = new(definition);
        public List<(string Unit, int MaxStep, string Value)> Units { get; } = [];

        public void Converted(string unit, int maxStep, ReadOnlySpan<long> stepTimes, string? breakdown)
        {
            Tally.Converted(unit, maxStep, stepTimes, breakdown);
            Units.Add((unit, maxStep, breakdown ?? BreakdownLabels.None));
        }

        public void Excluded(string unit) => Tally.Excluded(unit);
    }
}

/// <summary>What a pass tells about each unit once its rows are done.</summary>
internal interface IFunnelSink
{
    /// <param name="maxStep">The furthest step of the kept attempt, 1 to n.</param>
    /// <param name="stepTimes">The kept attempt's time of each step reached (epoch µs), <paramref name="maxStep"/> long.</param>
    /// <param name="breakdown">The breakdown value on the kept attempt's first event.</param>
    void Converted(string unit, int maxStep, ReadOnlySpan<long> stepTimes, string? breakdown);

    /// <summary>The unit's kept attempt hit an exclusion: it leaves the whole funnel.</summary>
    void Excluded(string unit);
}

/// <summary>
/// Turns rows into per-unit event streams for a <see cref="UnitMachine"/>: resolves each row's mask into the steps
/// and exclusion intervals it stands for, cuts the stream at unit boundaries, and, by account, regroups the
/// person-ordered rows per account first.
/// </summary>
internal sealed class FunnelPass
{
    private readonly IFunnelSink _sink;
    private readonly bool _keepUnmatched;
    private readonly int _relevant;
    private readonly int[] _stepBitsOf = new int[32];
    private readonly int[] _exclusionBitsOf = new int[32];
    // When the funnel's matchers are among the first few, one lookup per row resolves the mask: steps in the low
    // 16 bits, exclusions in the high ones.
    private readonly int[]? _byMask;
    private readonly UnitMachine _machine;
    private readonly AccountBuffer? _accounts;
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private string? _unit;
    private long _lastTs;
    private long _seq;

    public FunnelPass(FunnelDefinition definition, IFunnelSink sink)
    {
        _sink = sink;
        var n = definition.Steps.Count;
        // Bit s (1-based) of a step mask: the row can fill step s. Bit s of an exclusion mask: the row excludes an
        // attempt that reached step s-1 but not yet s (PostHog's exclusion marker -s).
        for (var s = 1; s <= n; s++) _stepBitsOf[definition.Steps[s - 1]] |= 1 << s;
        foreach (var x in definition.Exclusions)
            for (var s = x.FromStep + 1; s <= x.ToStep; s++) _exclusionBitsOf[x.Matcher] |= 1 << s;
        for (var i = 0; i < 32; i++) if ((_stepBitsOf[i] | _exclusionBitsOf[i]) != 0) _relevant |= 1 << i;
        if (_relevant < 1 << 12)
        {
            _byMask = new int[_relevant + 1];
            for (var mask = 0; mask <= _relevant; mask++)
            {
                var (steps, exclusions) = Resolve(mask & _relevant);
                _byMask[mask] = steps | (exclusions << 16);
            }
        }
        _keepUnmatched = definition.Order == FunnelOrder.Strict;
        var window = definition.ConversionWindow.Ticks / TimeSpan.TicksPerMicrosecond;
        _machine = definition.Order == FunnelOrder.AnyOrder
            ? new AnyOrderMachine(n, window)
            : new OrderedMachine(n, window, definition.Order == FunnelOrder.Strict);
        if (definition.CountBy == CountBy.Account) _accounts = new AccountBuffer(definition.Breakdown);
    }

    public void Add(in ScanRow row)
    {
        int steps, exclusions;
        if (_byMask is { } table)
        {
            var both = table[row.Mask & _relevant];
            steps = both & 0xFFFF;
            exclusions = both >>> 16;
        }
        else (steps, exclusions) = Resolve(row.Mask & _relevant);
        if ((steps | exclusions) == 0 && !_keepUnmatched) return;
        if (_accounts is not null)
        {
            if (row.Account is { } account) _accounts.Add(account, row.TimestampMicros, steps, exclusions, row.Breakdown);
            return;
        }
        Feed(row.Person, row.TimestampMicros, steps, exclusions, row.Breakdown);
    }

    private (int Steps, int Exclusions) Resolve(int mask)
    {
        var steps = 0;
        var exclusions = 0;
        while (mask != 0)
        {
            var i = BitOperations.TrailingZeroCount(mask);
            steps |= _stepBitsOf[i];
            exclusions |= _exclusionBitsOf[i];
            mask &= mask - 1;
        }
        return (steps, exclusions);
    }

    public void Complete(CancellationToken ct)
    {
        _accounts?.Replay(this, ct);
        EndUnit();
    }

    internal void Feed(string unit, long ts, int steps, int exclusions, string? breakdown)
    {
        if (!ReferenceEquals(unit, _unit) && !string.Equals(unit, _unit, StringComparison.Ordinal))
        {
            EndUnit();
            if (!_finished.Add(unit))
                throw new InvalidOperationException($"The rows of '{unit}' are not contiguous: a funnel needs rows ordered by person, then time.");
            _unit = unit;
            _machine.Reset();
        }
        else if (ts < _lastTs)
            throw new InvalidOperationException($"The rows of '{unit}' go back in time: a funnel needs rows ordered by person, then time.");
        _lastTs = ts;
        _machine.Add(ts, steps, exclusions, breakdown, _seq++);
    }

    private void EndUnit()
    {
        if (_unit is null) return;
        _machine.Finish(_unit, _sink);
        _unit = null;
    }

    /// <summary>
    /// Rows of the accounts, kept compactly until the scan ends: the store orders by person, and an account's
    /// attempt runs across all its people's events, so each account's rows are sorted by time before its pass.
    /// </summary>
    private sealed class AccountBuffer(bool keepBreakdown)
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];
        private int[] _account = new int[1 << 16];
        private long[] _ts = new long[1 << 16];
        private int[] _bits = new int[1 << 16];
        private string?[] _breakdown = keepBreakdown ? new string?[1 << 16] : [];
        private int _count;
        private string? _lastName;
        private int _lastId;

        public void Add(string account, long ts, int steps, int exclusions, string? breakdown)
        {
            if (!ReferenceEquals(account, _lastName) && !string.Equals(account, _lastName, StringComparison.Ordinal))
            {
                if (!_ids.TryGetValue(account, out _lastId))
                {
                    _lastId = _names.Count;
                    _ids.Add(account, _lastId);
                    _names.Add(account);
                }
                _lastName = account;
            }
            if (_count == _ts.Length)
            {
                var size = _count * 2;
                Array.Resize(ref _account, size);
                Array.Resize(ref _ts, size);
                Array.Resize(ref _bits, size);
                if (keepBreakdown) Array.Resize(ref _breakdown, size);
            }
            _account[_count] = _lastId;
            _ts[_count] = ts;
            // Steps and exclusions use bits 1 to 10: 11 bits each.
            _bits[_count] = steps | (exclusions << 11);
            if (keepBreakdown) _breakdown[_count] = breakdown;
            _count++;
        }

        public void Replay(FunnelPass pass, CancellationToken ct)
        {
            // Counting sort by account into (time, scan position and bits) pairs, then each account's slice by time.
            // The pairs carry what the pass needs, so the replay reads them in order instead of jumping around the
            // buffer (a cache miss per row, most of the cost).
            var accounts = _names.Count;
            var start = new int[accounts + 1];
            for (var i = 0; i < _count; i++) start[_account[i] + 1]++;
            for (var a = 0; a < accounts; a++) start[a + 1] += start[a];
            var next = (int[])start.Clone();
            var keys = new long[_count];
            var items = new long[_count];
            for (var i = 0; i < _count; i++)
            {
                var at = next[_account[i]]++;
                keys[at] = _ts[i];
                items[at] = ((long)i << 22) | (uint)_bits[i];
            }
            _account = _bits = [];
            _ts = [];
            var byName = Enumerable.Range(0, accounts).OrderBy(a => _names[a], StringComparer.Ordinal);
            var fed = 0;
            foreach (var a in byName)
            {
                var times = keys.AsSpan(start[a], start[a + 1] - start[a]);
                var rows = items.AsSpan(start[a], times.Length);
                times.Sort(rows);
                // The sort is not stable: equal times go back to scan order (the position is in the high bits).
                for (var i = 0; i < times.Length;)
                {
                    var j = i + 1;
                    while (j < times.Length && times[j] == times[i]) j++;
                    if (j - i > 1) rows[i..j].Sort();
                    i = j;
                }
                for (var k = 0; k < times.Length; k++)
                {
                    if ((++fed & 4095) == 0) ct.ThrowIfCancellationRequested();
                    var item = rows[k];
                    var bits = (int)(item & 0x3F_FFFF);
                    pass.Feed(_names[a], times[k], bits & 0x7FF, bits >>> 11, keepBreakdown ? _breakdown[item >>> 22] : null);
                }
            }
        }
    }
}

/// <summary>One unit's funnel state: fed its events in time order, then asked for the outcome.</summary>
internal abstract class UnitMachine
{
    public abstract void Reset();
    /// <param name="steps">Bit s: the event can fill step s (1-based).</param>
    /// <param name="exclusions">Bit s: the event excludes an attempt between steps s-1 and s.</param>
    /// <param name="id">Unique per event: one event never fills two steps of one attempt.</param>
    public abstract void Add(long ts, int steps, int exclusions, string? breakdown, long id);
    public abstract void Finish(string unit, IFunnelSink sink);
}

/// <summary>
/// Sequential and strict funnels: a port of PostHog's <c>steps.rs</c>. Slot s holds the latest attempt that reached
/// step s (its start time, whether it is excluded, its step times and event ids, its first event's breakdown);
/// slot 0 is the current time, so an event of step 1 opens a new attempt. All arrays are sized once per funnel.
/// </summary>
internal sealed class OrderedMachine : UnitMachine
{
    private const long Unset = long.MinValue;
    private readonly int _n;
    private readonly long _window;
    private readonly bool _strict;
    private readonly long[] _start;
    private readonly bool[] _excluded;
    private readonly long[] _times;
    private readonly long[] _ids;
    private readonly string?[] _breakdown;
    private int _maxStep;
    private bool _maxExcluded;
    private long _maxStart;
    private readonly long[] _maxTimes;
    private string? _maxBreakdown;
    private bool _done;

    // The events of the current timestamp: PostHog decides ties only once it sees all of them.
    private long _groupTs;
    private int _groupCount;
    private int[] _groupSteps = new int[8];
    private int[] _groupExclusions = new int[8];
    private long[] _groupIds = new long[8];
    private string?[] _groupBreakdown = new string?[8];
    private int[] _groupOrder = new int[8];

    public OrderedMachine(int n, long window, bool strict)
    {
        _n = n;
        _window = window;
        _strict = strict;
        _start = new long[n + 1];
        _excluded = new bool[n + 1];
        _times = new long[(n + 1) * n];
        _ids = new long[(n + 1) * n];
        _breakdown = new string?[n + 1];
        _maxTimes = new long[n];
    }

    public override void Reset()
    {
        Array.Fill(_start, Unset);
        Array.Clear(_excluded);
        Array.Clear(_breakdown);
        _maxStep = 0;
        _maxExcluded = false;
        _maxBreakdown = null;
        _done = false;
        _groupCount = 0;
    }

    public override void Add(long ts, int steps, int exclusions, string? breakdown, long id)
    {
        if (_done) return;
        if (_groupCount > 0 && ts != _groupTs)
        {
            Flush();
            // PostHog stops at the first full conversion: later events cannot change the kept attempt.
            if (_done) return;
        }
        if (_groupCount == _groupSteps.Length)
        {
            var size = _groupCount * 2;
            Array.Resize(ref _groupSteps, size);
            Array.Resize(ref _groupExclusions, size);
            Array.Resize(ref _groupIds, size);
            Array.Resize(ref _groupBreakdown, size);
            Array.Resize(ref _groupOrder, size);
        }
        _groupTs = ts;
        _groupSteps[_groupCount] = steps;
        _groupExclusions[_groupCount] = exclusions;
        _groupIds[_groupCount] = id;
        _groupBreakdown[_groupCount] = breakdown;
        _groupCount++;
    }

    public override void Finish(string unit, IFunnelSink sink)
    {
        if (!_done) Flush();
        if (_maxStep == 0) return;
        if (_maxExcluded) sink.Excluded(unit);
        else sink.Converted(unit, _maxStep, _maxTimes.AsSpan(0, _maxStep), _maxBreakdown);
    }

    private void Flush()
    {
        var count = _groupCount;
        if (count == 0) return;
        _groupCount = 0;
        _start[0] = _groupTs;
        _excluded[0] = false;
        if (count == 1)
            Process(_groupSteps[0], _groupExclusions[0], _groupTs, _groupIds[0], _groupBreakdown[0], tie: false);
        else
        {
            // Equal times in breakdown order (absent first), so the result does not depend on the storage order.
            for (var i = 0; i < count; i++) _groupOrder[i] = i;
            for (var i = 1; i < count; i++)
            {
                var x = _groupOrder[i];
                var j = i - 1;
                while (j >= 0 && string.CompareOrdinal(_groupBreakdown[_groupOrder[j]], _groupBreakdown[x]) > 0)
                {
                    _groupOrder[j + 1] = _groupOrder[j];
                    j--;
                }
                _groupOrder[j + 1] = x;
            }
            var same = true;
            for (var i = 1; i < count && same; i++)
                same = _groupSteps[i] == _groupSteps[0] && _groupExclusions[i] == _groupExclusions[0];
            if (same)
                for (var k = 0; k < count; k++)
                {
                    var i = _groupOrder[k];
                    Process(_groupSteps[i], _groupExclusions[i], _groupTs, _groupIds[i], _groupBreakdown[i], tie: false);
                }
            else
                // Different events at one time: each (event, step) pair in step order, exclusions and the strict
                // reset left out, as PostHog does.
                for (var s = 1; s <= _n; s++)
                {
                    var bit = 1 << s;
                    for (var k = 0; k < count; k++)
                    {
                        var i = _groupOrder[k];
                        if ((_groupSteps[i] & bit) != 0) Process(bit, 0, _groupTs, _groupIds[i], _groupBreakdown[i], tie: true);
                    }
                }
        }
        if (_start[_n] != Unset) _done = true;
    }

    private void Process(int steps, int exclusions, long ts, long id, string? breakdown, bool tie)
    {
        // Deepest first, so one event never fills two steps of one attempt: step s reads slot s-1 before this
        // event may have changed it. Exclusions before steps, as the UDF's reversed step array has them.
        for (var s = _n; s >= 2; s--)
            if ((exclusions & (1 << s)) != 0) Step(s, exclusion: true, ts, id, breakdown, tie);
        for (var s = _n; s >= 1; s--)
            if ((steps & (1 << s)) != 0) Step(s, exclusion: false, ts, id, breakdown, tie);
        if (_strict && !tie)
            for (var s = 1; s <= _n; s++)
                if ((steps & (1 << s)) == 0)
                {
                    _start[s] = Unset;
                    _excluded[s] = false;
                    _breakdown[s] = null;
                }
    }

    private void Step(int s, bool exclusion, long ts, long id, string? breakdown, bool tie)
    {
        var p = s - 1;
        var attempt = _start[p];
        if (attempt == Unset || ts - attempt > _window) return;
        // This attempt already reached step s.
        if (_start[s] == attempt) return;
        if (exclusion)
        {
            if (_excluded[p]) return;
            _excluded[p] = true;
            if (_maxStep == p && ts - _maxStart <= _window) _maxExcluded = true;
            return;
        }
        var from = p * _n;
        if (tie)
            for (var j = 0; j < p; j++)
                if (_ids[from + j] == id) return;
        var firstBreakdown = s == 1 ? breakdown : _breakdown[p];
        if (!_excluded[p])
        {
            var to = s * _n;
            // At most nine entries: a loop beats Array.Copy's call overhead.
            for (var j = 0; j < p; j++)
            {
                _times[to + j] = _times[from + j];
                _ids[to + j] = _ids[from + j];
            }
            _times[to + p] = ts;
            _ids[to + p] = id;
            _start[s] = attempt;
            _excluded[s] = false;
            _breakdown[s] = firstBreakdown;
        }
        // The first attempt to reach the furthest step is kept; a clean attempt replaces an excluded one there.
        if (s > _maxStep || (s == _maxStep && _maxExcluded))
        {
            _maxStep = s;
            _maxExcluded = _excluded[p];
            _maxStart = attempt;
            for (var j = 0; j < p; j++) _maxTimes[j] = _times[from + j];
            _maxTimes[p] = ts;
            _maxBreakdown = firstBreakdown;
        }
    }
}

/// <summary>
/// Any-order funnels. An attempt starts at each step event and holds the step events up to the window's end (or up
/// to the first exclusion after its start); its depth is the largest number of steps its events can fill, one event
/// per step (a bipartite matching, by Kőnig's theorem when events match overlapping steps).
/// </summary>
internal sealed class AnyOrderMachine(int n, long window) : UnitMachine
{
    private long[] _ts = new long[64];
    private int[] _steps = new int[64];
    private string?[] _breakdown = new string?[64];
    private int _count;
    private long[] _exclusionTs = new long[8];
    private int _exclusionCount;
    private readonly int[] _patternCount = new int[1 << (n + 1)];
    private readonly List<int> _patterns = [];
    private readonly int[] _stepEvent = new int[n + 1];
    private readonly bool[] _visited = new bool[n + 1];
    private readonly long[] _keptTimes = new long[n];

    public override void Reset()
    {
        _count = 0;
        _exclusionCount = 0;
    }

    public override void Add(long ts, int steps, int exclusions, string? breakdown, long id)
    {
        if (steps != 0)
        {
            if (_count == _ts.Length)
            {
                Array.Resize(ref _ts, _count * 2);
                Array.Resize(ref _steps, _count * 2);
                Array.Resize(ref _breakdown, _count * 2);
            }
            _ts[_count] = ts;
            _steps[_count] = steps;
            _breakdown[_count] = breakdown;
            _count++;
        }
        else if (exclusions != 0)
        {
            if (_exclusionCount == _exclusionTs.Length) Array.Resize(ref _exclusionTs, _exclusionCount * 2);
            _exclusionTs[_exclusionCount++] = ts;
        }
    }

    public override void Finish(string unit, IFunnelSink sink)
    {
        if (_count == 0) return;
        OrderTiesByBreakdown();
        DropExclusionsTiedWithSteps();
        var bestClean = 0;
        var bestStart = -1;
        var bestExcluded = 0;
        var right = 0;
        var x = 0;
        for (var i = 0; i < _count; i++)
        {
            var t = _ts[i];
            while (x < _exclusionCount && _exclusionTs[x] <= t) x++;
            var cut = x < _exclusionCount ? _exclusionTs[x] : long.MaxValue;
            var end = t + window;
            while (right < _count && _ts[right] <= end && _ts[right] < cut) Include(_steps[right++]);
            var depth = Coverage();
            if (cut <= end && depth < n) bestExcluded = Math.Max(bestExcluded, depth);
            else if (depth > bestClean)
            {
                bestClean = depth;
                bestStart = i;
            }
            Exclude(_steps[i]);
        }
        ClearPatterns();
        if (bestExcluded > bestClean)
        {
            sink.Excluded(unit);
            return;
        }
        sink.Converted(unit, bestClean, KeptTimes(bestStart, bestClean), _breakdown[bestStart]);
    }

    private void Include(int pattern)
    {
        if (_patternCount[pattern]++ == 0) _patterns.Add(pattern);
    }

    private void Exclude(int pattern)
    {
        if (--_patternCount[pattern] == 0) _patterns.Remove(pattern);
    }

    private void ClearPatterns()
    {
        foreach (var p in _patterns) _patternCount[p] = 0;
        _patterns.Clear();
    }

    /// <summary>The most steps the window's events can fill, one event per step.</summary>
    private int Coverage()
    {
        var union = 0;
        var disjoint = true;
        var sum = 0;
        foreach (var p in _patterns)
        {
            if ((union & p) != 0) disjoint = false;
            union |= p;
            sum += Math.Min(_patternCount[p], BitOperations.PopCount((uint)p));
        }
        if (disjoint) return sum;
        // Kőnig: the largest matching is the least, over step sets X, of (n − |X| + the events that can fill a step in X).
        var best = n;
        for (var set = 1; set < 1 << n; set++)
        {
            var x = set << 1;
            var value = n - BitOperations.PopCount((uint)set);
            foreach (var p in _patterns) if ((p & x) != 0) value += _patternCount[p];
            best = Math.Min(best, value);
        }
        return best;
    }

    /// <summary>
    /// The kept attempt's step times: events taken in time order and kept when an augmenting path finds them a step,
    /// which yields the earliest events that fill <paramref name="depth"/> steps; the k-th of them is step k.
    /// </summary>
    private ReadOnlySpan<long> KeptTimes(int start, int depth)
    {
        Array.Fill(_stepEvent, -1);
        var matched = 0;
        var cut = long.MaxValue;
        for (var x = 0; x < _exclusionCount; x++)
            if (_exclusionTs[x] > _ts[start]) { cut = _exclusionTs[x]; break; }
        var end = _ts[start] + window;
        for (var e = start; e < _count && matched < depth && _ts[e] <= end && _ts[e] < cut; e++)
        {
            Array.Clear(_visited);
            if (Augment(e)) _keptTimes[matched++] = _ts[e];
        }
        return _keptTimes.AsSpan(0, matched);
    }

    private bool Augment(int e)
    {
        for (var s = 1; s <= n; s++)
        {
            if ((_steps[e] & (1 << s)) == 0 || _visited[s]) continue;
            _visited[s] = true;
            if (_stepEvent[s] < 0 || Augment(_stepEvent[s]))
            {
                _stepEvent[s] = e;
                return true;
            }
        }
        return false;
    }

    private void OrderTiesByBreakdown()
    {
        // Equal times in breakdown order (absent first), so the kept attempt does not depend on the storage order.
        for (var i = 1; i < _count; i++)
        {
            var (t, steps, breakdown) = (_ts[i], _steps[i], _breakdown[i]);
            var j = i - 1;
            while (j >= 0 && _ts[j] == t && string.CompareOrdinal(_breakdown[j], breakdown) > 0)
            {
                _steps[j + 1] = _steps[j];
                _breakdown[j + 1] = _breakdown[j];
                j--;
            }
            _steps[j + 1] = steps;
            _breakdown[j + 1] = breakdown;
        }
    }

    /// <summary>An exclusion at the same time as a step event of the unit does not count (PostHog skips exclusions in ties).</summary>
    private void DropExclusionsTiedWithSteps()
    {
        var kept = 0;
        var e = 0;
        for (var x = 0; x < _exclusionCount; x++)
        {
            var t = _exclusionTs[x];
            while (e < _count && _ts[e] < t) e++;
            if (e < _count && _ts[e] == t) continue;
            _exclusionTs[kept++] = t;
        }
        _exclusionCount = kept;
    }
}
