using Pharos.Platform.Problems;

namespace Pharos.Service.Sla;

/// <summary>
/// Business-time arithmetic over a <see cref="BusinessCalendar"/>: when does a target of N working minutes, started at
/// a moment, fall due; how much working time lies between two moments. Pauses stop the clock. Pure: no clock, no I/O.
/// </summary>
public static class SlaClock
{
    /// <summary>A calendar with no working time in this many days is refused rather than searched for ever.</summary>
    private const int HorizonDays = 3 * 366;

    /// <summary>When <paramref name="target"/> working time after <paramref name="start"/> is used up; null while an open-ended pause stops the clock.</summary>
    public static DateTimeOffset? DueAt(BusinessCalendar calendar, DateTimeOffset start, TimeSpan target, IReadOnlyCollection<Pause>? pauses = null)
    {
        if (target < TimeSpan.Zero) throw RuleViolation.BadField("target", "A target cannot be negative.");
        var remaining = target;
        foreach (var (from, to) in OpenIntervals(calendar, start, pauses))
        {
            var length = to - from;
            if (length >= remaining) return from + remaining;
            remaining -= length;
        }
        if (pauses?.Any(p => p.Until is null) == true) return null;
        throw RuleViolation.BadField("calendar", $"The calendar has not enough working time within {HorizonDays} days of the start.");
    }

    /// <summary>Working time between two moments (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public static TimeSpan Between(BusinessCalendar calendar, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<Pause>? pauses = null)
    {
        var total = TimeSpan.Zero;
        if (to <= from) return total;
        foreach (var (a, b) in OpenIntervals(calendar, from, pauses))
        {
            if (a >= to) break;
            total += (b < to ? b : to) - a;
        }
        return total;
    }

    /// <summary>The calendar's working intervals from <paramref name="start"/> on, in UTC, with pauses cut out.</summary>
    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> OpenIntervals(BusinessCalendar calendar, DateTimeOffset start, IReadOnlyCollection<Pause>? pauses)
    {
        var cuts = (pauses ?? []).Select(p => (From: p.From.ToUniversalTime(), To: (p.Until ?? DateTimeOffset.MaxValue).ToUniversalTime()))
            .Where(p => p.To > p.From).OrderBy(p => p.From).ToList();
        foreach (var (a, b) in WorkingIntervals(calendar, start.ToUniversalTime()))
        {
            var from = a;
            foreach (var cut in cuts)
            {
                if (cut.To <= from || cut.From >= b) continue;
                if (cut.From > from) yield return (from, cut.From);
                from = cut.To > from ? cut.To : from;
                if (from >= b) break;
            }
            if (from < b) yield return (from, b);
        }
    }

    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> WorkingIntervals(BusinessCalendar calendar, DateTimeOffset start)
    {
        if (calendar.AlwaysOpen)
        {
            yield return (start, start.AddDays(HorizonDays));
            yield break;
        }
        var zone = calendar.Zone();
        var holidays = calendar.Holidays.ToHashSet();
        var makeUp = calendar.MakeUpWorkdays.ToHashSet();
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime);
        for (var i = 0; i <= HorizonDays; i++, day = day.AddDays(1))
        {
            if (holidays.Contains(day)) continue;
            // A make-up workday (调休) works with Monday's hours whatever weekday it falls on.
            var weekday = makeUp.Contains(day) ? DayOfWeek.Monday : day.DayOfWeek;
            foreach (var p in calendar.Periods.Where(p => p.Day == weekday).OrderBy(p => p.Start))
            {
                var from = ToUtc(day, p.Start, zone);
                var to = ToUtc(day, p.End, zone);
                if (to <= start) continue;
                yield return (from < start ? start : from, to);
            }
        }
    }

    /// <summary>
    /// Local wall time to UTC. A time skipped by a spring-forward change counts from the moment after the gap; a time
    /// that happens twice in the autumn counts at its first (daylight) occurrence.
    /// </summary>
    internal static DateTimeOffset ToUtc(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
