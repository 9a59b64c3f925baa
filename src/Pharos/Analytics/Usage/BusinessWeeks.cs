namespace Pharos.Analytics.Usage;

/// <summary>Weeks as operations counts them: Monday to Sunday in the business time zone (China Standard Time by default).</summary>
internal static class BusinessWeeks
{
    public static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateOnly WeekOf(DateTimeOffset t, TimeZoneInfo tz)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, tz).DateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo tz)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, tz.GetUtcOffset(local));
    }
}
