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
    private readonly SortedDictionary<DateOnly, HashSet<UInt128>> _buckets = [];

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
        if (days == 0) return false;
        foreach (var b in _buckets.Values) if (b.Contains(key)) return true;
        return false;
    }

    /// <summary>With a window of 0 days nothing is kept: bulk loads whose message ids are new by construction.</summary>
    public void Add(UInt128 key, DateTimeOffset receivedAt)
    {
        if (days == 0) return;
        var day = DateOnly.FromDateTime(receivedAt.UtcDateTime);
        if (!_buckets.TryGetValue(day, out var set)) _buckets[day] = set = [];
        set.Add(key);
    }

    /// <summary>Forgets the days that left the window.</summary>
    public void Trim(DateTimeOffset now)
    {
        var oldest = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-days);
        foreach (var day in _buckets.Keys.Where(d => d < oldest).ToList()) _buckets.Remove(day);
    }

    public long Count => _buckets.Values.Sum(b => (long)b.Count);
}
