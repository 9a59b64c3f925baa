using System.IO.Hashing;
using System.Text;

namespace Pharos.Analytics.Store;

/// <summary>
/// 64-bit keys of the ids and names that analyses group and filter on, stored beside the text. Sorting and joining
/// 2.9 million step rows on text took most of a funnel's time on 10 million events; on these integers it takes a
/// fraction (bench/RESULTS.md). Both stores compute them here, so a key means the same in each.
/// Two different ids share a key with odds of about n²/2⁶⁵ (10⁻⁵ at 10 million people); docs/analytics-semantics.md
/// says so.
/// </summary>
public static class EventKeys
{
    public static long? Of(string? text)
    {
        if (text is null) return null;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(text, buffer);
            return unchecked((long)XxHash3.HashToUInt64(buffer[..n]));
        }
        finally { if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Who the event is by before identity resolution: the user id, else the anonymous id.</summary>
    public static long? Person(TrackedEvent e) => Of(e.UserId ?? e.AnonymousId);

    /// <summary>
    /// The anonymous id that identity resolution goes through: for identify and alias calls the id they link to the
    /// user; for other calls the anonymous id when no user id is given (a user id always wins).
    /// </summary>
    public static long? Anonymous(TrackedEvent e) => e.Type is "identify" or "alias"
        ? Of(e.PreviousId ?? e.AnonymousId)
        : e.UserId is null ? Of(e.AnonymousId) : null;

    public static long? Event(TrackedEvent e) => Of(e.Event);
}
