namespace Pharos.Analytics.Trends;

/// <summary>The calendar periods analyses bucket by. Weeks start on Monday.</summary>
public enum TimeInterval { Day, Week, Month }

/// <summary>
/// Cuts epoch-µs instants into local days, ISO weeks (Monday first) and months of one time zone. Converting each
/// row through <see cref="TimeZoneInfo"/> would cost more than the rest of an analysis, so the local day is cached
/// per 15-minute UTC slot (65,536 slots, direct-mapped: about 680 days): zones change offset on quarter hours, and a
/// slot whose two ends fall on different days is never cached. Not thread-safe: one per analysis.
/// </summary>
internal sealed class LocalCalendar
{
    public const string DefaultTimeZone = "Asia/Shanghai";
    private const long SlotMicros = 15 * 60 * 1_000_000L;
    private const int CacheSize = 1 << 16;
    private readonly TimeZoneInfo _zone;
    private readonly long[] _slots = new long[CacheSize];
    private readonly int[] _days = new int[CacheSize];

    public LocalCalendar(TimeZoneInfo zone)
    {
        _zone = zone;
        Array.Fill(_slots, long.MinValue);
    }

    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : throw new ArgumentException($"Unknown time zone '{id}'; use an IANA name such as Asia/Shanghai.", nameof(id));

    /// <summary>The local calendar day (<see cref="DateOnly.DayNumber"/>) of an instant.</summary>
    public int Day(long micros)
    {
        var slot = Math.DivRem(micros, SlotMicros, out var rem);
        if (rem < 0) slot--;
        var i = (int)(slot & (CacheSize - 1));
        if (_slots[i] == slot) return _days[i];
        var first = Compute(slot * SlotMicros);
        if (first != Compute(slot * SlotMicros + SlotMicros - 1)) return Compute(micros);
        _slots[i] = slot;
        _days[i] = first;
        return first;
    }

    private int Compute(long micros)
    {
        var utc = new DateTime(DateTime.UnixEpoch.Ticks + micros * TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, _zone)).DayNumber;
    }

    /// <summary>A number per period that grows by one from each period to the next.</summary>
    public int Period(long micros, TimeInterval interval) => PeriodOfDay(Day(micros), interval);

    public int Period(DateTimeOffset instant, TimeInterval interval) => Period(Micros(instant), interval);

    public static long Micros(DateTimeOffset instant) => (instant.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static int PeriodOfDay(int dayNumber, TimeInterval interval) => interval switch
    {
        TimeInterval.Day => dayNumber,
        // Day number 0 (0001-01-01) was a Monday.
        TimeInterval.Week => dayNumber / 7,
        TimeInterval.Month => MonthIndex(DateOnly.FromDayNumber(dayNumber)),
        _ => throw new ArgumentOutOfRangeException(nameof(interval)),
    };

    private static int MonthIndex(DateOnly d) => d.Year * 12 + d.Month - 1;

    /// <summary>The instant a local day begins (its midnight in the zone).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    /// <summary>The first local day of a period.</summary>
    public static DateOnly PeriodStart(int period, TimeInterval interval) => interval switch
    {
        TimeInterval.Day => DateOnly.FromDayNumber(period),
        TimeInterval.Week => DateOnly.FromDayNumber(period * 7),
        TimeInterval.Month => new DateOnly(period / 12, period % 12 + 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval)),
    };
}
