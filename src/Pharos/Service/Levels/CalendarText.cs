using System.Globalization;
using Pharos.Platform.Problems;
using Pharos.Service.Sla;

namespace Pharos.Service.Levels;

/// <summary>
/// A calendar as people type it: a day's working periods as "09:00-12:00, 13:00-18:00", dates one per line or as
/// ranges "2026-10-01..2026-10-07" — quicker to key in from the State Council's holiday notice than a date picker.
/// </summary>
public static class CalendarText
{
    public static string Periods(BusinessCalendar c, DayOfWeek day) =>
        string.Join(", ", c.Periods.Where(p => p.Day == day).OrderBy(p => p.Start).Select(p => $"{p.Start:HH\\:mm}-{p.End:HH\\:mm}"));

    public static IEnumerable<WorkingPeriod> ParsePeriods(DayOfWeek day, string? text, string field)
    {
        foreach (var part in (text ?? "").Split([',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split(['-', '–', '~'], StringSplitOptions.TrimEntries);
            if (ends.Length != 2 || !TimeOnly.TryParseExact(ends[0], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !TimeOnly.TryParseExact(ends[1], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
                throw RuleViolation.Format(field, "Write working periods as 09:00-12:00, 13:00-18:00; '{0}' is not one.", part);
            if (end <= start) throw RuleViolation.Format(field, "The period '{0}' ends before it starts.", part);
            yield return new WorkingPeriod(day, start, end);
        }
    }

    /// <summary>Dates, with runs of consecutive days written as ranges.</summary>
    public static string Dates(IEnumerable<DateOnly> dates)
    {
        var lines = new List<string>();
        var sorted = dates.Distinct().Order().ToList();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j].AddDays(1)) j++;
            lines.Add(j == i ? Iso(sorted[i]) : $"{Iso(sorted[i])}..{Iso(sorted[j])}");
            i = j + 1;
        }
        return string.Join('\n', lines);
    }

    public static List<DateOnly> ParseDates(string? text, string field)
    {
        var dates = new List<DateOnly>();
        foreach (var line in (text ?? "").Split(['\n', ',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = line.Split("..", StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !TryDate(ends[0], out var from) || !TryDate(ends[^1], out var to))
                throw RuleViolation.Format(field, "Write dates as 2026-10-01 or 2026-10-01..2026-10-07, one per line; '{0}' is not one.", line);
            if (to < from) throw RuleViolation.Format(field, "The range '{0}' ends before it starts.", line);
            if (to.DayNumber - from.DayNumber > 366) throw RuleViolation.Format(field, "The range '{0}' is longer than a year.", line);
            for (var d = from; d <= to; d = d.AddDays(1)) dates.Add(d);
        }
        return [.. dates.Distinct().Order()];
    }

    private static bool TryDate(string s, out DateOnly d) => DateOnly.TryParseExact(s, ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out d);
    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
