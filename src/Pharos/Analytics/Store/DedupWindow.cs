using System.IO.Hashing;
using System.Text;

namespace Pharos.Analytics.Store;

/// <summary>
/// The (source, messageId) pairs stored in the last few days, in day buckets, as 128-bit hashes (about 40 bytes an
/// event). DuckDB has one writer per process, so an in-memory set is exact and costs nothing measurable; a SQL
/// anti-join cost 2–3× the throughput (docs/research/issue-5-analytics.md §1).
/// </summary>
internal sealed class DedupWindow(int days)
{
    // A handful of days, newest last: a list is probed without the allocation a SortedDictionary's enumerator makes
    // on every call, and the day being written is found first.
    private readonly List<(DateOnly Day, HashSet<UInt128> Keys)> _buckets = [];

    public int Days => days;

    public static UInt128 Key(Guid source, string messageId)
    {
        Span<byte> buffer = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(Math.Min(messageId.Length, 512))];
        source.TryWriteBytes(buffer);
        var n = Encoding.UTF8.GetBytes(messageId.AsSpan(0, Math.Min(messageId.Length, 512)), buffer[16..]);
        return XxHash128.HashToUInt128(buffer[..(16 + n)]);
    }

    public bool Contains(UInt128 key)
    {
        for (var i = _buckets.Count - 1; i >= 0; i--)
            if (_buckets[i].Keys.Contains(key)) return true;
        return false;
    }

    /// <summary>With a window of 0 days nothing is kept: bulk loads whose message ids are new by construction.</summary>
    public void Add(UInt128 key, DateTimeOffset receivedAt)
    {
        if (days == 0) return;
        Bucket(DateOnly.FromDateTime(receivedAt.UtcDateTime)).Add(key);
    }

    private HashSet<UInt128> Bucket(DateOnly day)
    {
        for (var i = _buckets.Count - 1; i >= 0; i--)
            if (_buckets[i].Day == day) return _buckets[i].Keys;
        var keys = new HashSet<UInt128>();
        _buckets.Add((day, keys));
        _buckets.Sort((a, b) => a.Day.CompareTo(b.Day));
        return keys;
    }

    /// <summary>Forgets the days that left the window.</summary>
    public void Trim(DateTimeOffset now)
    {
        var oldest = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-days);
        _buckets.RemoveAll(b => b.Day < oldest);
    }

    public long Count => _buckets.Sum(b => (long)b.Keys.Count);
}
