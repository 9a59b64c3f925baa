using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Paths;

/// <summary>
/// Paths over scanned rows ordered by person, then time (docs/analytics-semantics.md): one path per session, cut
/// where events are more than the session gap apart, then pruned step by step to the top edges.
/// </summary>
internal static class PathEngine
{
    private const int Other = -1;

    public static async Task<PathResult> RunAsync(PathDefinition definition, IAsyncEnumerable<ScanRow> rows, CancellationToken ct)
    {
        definition.ThrowIfInvalid();
        var labelIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new List<string>();
        int Id(string label)
        {
            if (!labelIds.TryGetValue(label, out var id)) { labelIds.Add(label, id = labels.Count); labels.Add(label); }
            return id;
        }
        var pivot = definition.Pivot is { } p ? Id(p) : Other;
        var gap = definition.SessionGap.Ticks / TimeSpan.TicksPerMicrosecond;
        var paths = new PathStore(definition.Steps + 1);
        var session = new List<int>();
        // The labels of the current timestamp: equal times go into the session in label order, so the paths do not
        // depend on the order the store returned them in.
        var tied = new List<int>();
        Comparison<int> byLabel = (a, b) => string.CompareOrdinal(labels[a], labels[b]);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? person = null;
        var personIndex = -1;
        long lastTs = 0;
        string? lastLabel = null;
        var lastLabelId = 0;
        var n = 0;

        void Untie()
        {
            if (tied.Count > 1) tied.Sort(byLabel);
            foreach (var id in tied)
                if (!definition.CollapseRepeats || session.Count == 0 || session[^1] != id) session.Add(id);
            tied.Clear();
        }

        void EndSession()
        {
            Untie();
            if (session.Count > 0) paths.Add(personIndex, session, pivot, definition.Direction, definition.Steps);
            session.Clear();
        }

        await foreach (var row in rows.WithCancellation(ct))
        {
            if ((++n & 4095) == 0) ct.ThrowIfCancellationRequested();
            var ts = row.TimestampMicros;
            if (!ReferenceEquals(row.Person, person) && !string.Equals(row.Person, person, StringComparison.Ordinal))
            {
                EndSession();
                if (!finished.Add(row.Person))
                    throw new InvalidOperationException($"The rows of '{row.Person}' are not contiguous: paths need rows ordered by person, then time.");
                person = row.Person;
                personIndex++;
            }
            else if (ts < lastTs)
                throw new InvalidOperationException($"The rows of '{row.Person}' go back in time: paths need rows ordered by person, then time.");
            else if (ts - lastTs > gap)
                EndSession();
            else if (ts != lastTs)
                Untie();
            lastTs = ts;
            if (!ReferenceEquals(row.Label, lastLabel) && !string.Equals(row.Label, lastLabel, StringComparison.Ordinal))
            {
                lastLabelId = Id(row.Label);
                lastLabel = row.Label;
            }
            tied.Add(lastLabelId);
        }
        EndSession();
        ct.ThrowIfCancellationRequested();
        return paths.Prune(definition, labels);
    }

    /// <summary>
    /// Every path as at most Steps+1 label ids, node 0 being the pivot (or the session's first/last event) and node k
    /// the one k transitions away from it; stored flat, in person order.
    /// </summary>
    private sealed class PathStore(int width)
    {
        private readonly List<int> _nodes = [];
        private readonly List<int> _length = [];
        private readonly List<int> _person = [];

        public void Add(int person, List<int> session, int pivot, PathDirection direction, int steps)
        {
            if (direction == PathDirection.After)
            {
                var at = pivot == Other ? 0 : session.IndexOf(pivot);
                if (at < 0) return;
                var length = Math.Min(steps + 1, session.Count - at);
                for (var k = 0; k < width; k++) _nodes.Add(k < length ? session[at + k] : Other);
                _length.Add(length);
            }
            else
            {
                var at = pivot == Other ? session.Count - 1 : session.LastIndexOf(pivot);
                if (at < 0) return;
                var length = Math.Min(steps + 1, at + 1);
                for (var k = 0; k < width; k++) _nodes.Add(k < length ? session[at - k] : Other);
                _length.Add(length);
            }
            _person.Add(person);
        }

        public PathResult Prune(PathDefinition d, List<string> labels)
        {
            string Name(int id) => id == Other ? BreakdownLabels.Other : labels[id];
            var edges = new List<PathEdge>();
            var count = _length.Count;
            for (var step = 1; step <= d.Steps; step++)
            {
                var stats = Tally(step, keep: null);
                if (stats.Count == 0) break;
                var ranked = stats
                    .OrderByDescending(e => e.Value.Persons).ThenByDescending(e => e.Value.Paths)
                    .ThenBy(e => Name(From(e.Key)), StringComparer.Ordinal).ThenBy(e => Name(To(e.Key)), StringComparer.Ordinal)
                    .ToList();
                var kept = ranked.Take(d.EdgesPerStep).Select(e => e.Key).ToHashSet();
                foreach (var (key, s) in ranked.Take(d.EdgesPerStep)) edges.Add(Edge(d.Direction, step, Name(From(key)), Name(To(key)), s));
                if (ranked.Count <= d.EdgesPerStep) continue;
                // The links beyond the top lead into "(other)", and the paths stop there.
                for (var p = 0; p < count; p++)
                {
                    if (_length[p] <= step || kept.Contains(Key(_nodes[p * width + step - 1], _nodes[p * width + step]))) continue;
                    _nodes[p * width + step] = Other;
                    _length[p] = step + 1;
                }
                var others = Tally(step, keep: k => To(k) == Other)
                    .OrderByDescending(e => e.Value.Persons).ThenByDescending(e => e.Value.Paths).ThenBy(e => Name(From(e.Key)), StringComparer.Ordinal);
                foreach (var (key, s) in others) edges.Add(Edge(d.Direction, step, Name(From(key)), BreakdownLabels.Other, s));
            }
            return new PathResult(edges, _person.Distinct().Count(), count);
        }

        /// <summary>Persons and paths per (node step−1, node step) link; a person counts once per link.</summary>
        private Dictionary<long, (int Persons, int Paths)> Tally(int step, Func<long, bool>? keep)
        {
            var stats = new Dictionary<long, (int Persons, int Paths)>();
            var personLinks = new HashSet<long>();
            var current = -1;
            for (var p = 0; p < _length.Count; p++)
            {
                if (_length[p] <= step) continue;
                if (_person[p] != current) { current = _person[p]; personLinks.Clear(); }
                var key = Key(_nodes[p * width + step - 1], _nodes[p * width + step]);
                if (keep is not null && !keep(key)) continue;
                var s = stats.GetValueOrDefault(key);
                stats[key] = (s.Persons + (personLinks.Add(key) ? 1 : 0), s.Paths + 1);
            }
            return stats;
        }

        private static PathEdge Edge(PathDirection direction, int step, string near, string far, (int Persons, int Paths) s) =>
            direction == PathDirection.After
                ? new PathEdge(step, near, far, s.Persons, s.Paths)
                : new PathEdge(step, far, near, s.Persons, s.Paths);

        private static long Key(int from, int to) => ((long)from << 32) | (uint)to;
        private static int From(long key) => (int)(key >> 32);
        private static int To(long key) => (int)key;
    }
}
