using Pharos.Platform.Problems;
using Pharos.Service.Sla;

namespace Pharos.Tests.Service;

/// <summary>Business-time arithmetic, table-driven: weekends, holidays and 调休, lunch breaks, time zones, daylight saving, pauses, 7×24.</summary>
public sealed class SlaClockTests
{
    private static readonly BusinessCalendar Shanghai = BusinessCalendar.OfficeHours() with
    {
        // 2026 National Day: 1–7 October off, Saturday 10 October worked in exchange (调休).
        Holidays = [.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))],
        MakeUpWorkdays = [new DateOnly(2026, 10, 10)],
    };

    private static readonly BusinessCalendar NewYork = new()
    {
        TimeZone = "America/New_York",
        Periods = [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new WorkingPeriod(d, new TimeOnly(9, 0), new TimeOnly(17, 0)))],
    };

    public static TheoryData<string, string, int, string> ShanghaiCases() => new()
    {
        // case, start (local), target minutes, due (local)
        { "inside hours", "2026-11-24T10:00+08:00", 30, "2026-11-24T10:30+08:00" },
        { "over lunch", "2026-11-24T11:50+08:00", 20, "2026-11-24T13:10+08:00" },
        { "Friday 17:55 rolls to Monday", "2026-11-27T17:55+08:00", 60, "2026-11-30T09:55+08:00" },
        { "opened on a Saturday", "2026-11-28T10:00+08:00", 30, "2026-11-30T09:30+08:00" },
        { "opened at night", "2026-11-24T22:00+08:00", 60, "2026-11-25T10:00+08:00" },
        { "opened before work", "2026-11-24T07:30+08:00", 15, "2026-11-24T09:15+08:00" },
        { "ends exactly at closing", "2026-11-24T17:00+08:00", 60, "2026-11-24T18:00+08:00" },
        { "the eve of National Day", "2026-09-30T17:55+08:00", 60, "2026-10-08T09:55+08:00" },
        { "a resolution target over the holiday and the make-up Saturday", "2026-09-30T09:00+08:00", 8 * 60 * 4, "2026-10-10T18:00+08:00" },
        { "a make-up Saturday works", "2026-10-10T09:00+08:00", 60, "2026-10-10T10:00+08:00" },
    };

    [Theory]
    [MemberData(nameof(ShanghaiCases))]
    public void Due_times_on_a_Shanghai_office_calendar(string @case, string start, int minutes, string due)
    {
        var actual = SlaClock.DueAt(Shanghai, DateTimeOffset.Parse(start), TimeSpan.FromMinutes(minutes));
        Assert.True(DateTimeOffset.Parse(due) == actual, $"{@case}: expected {due}, got {actual:O}");
    }

    [Fact]
    public void Daylight_saving_start_does_not_eat_an_hour_of_working_time()
    {
        // New York springs forward on Sunday 8 March 2026; Friday 16:00 EST + 2 working hours = Monday 10:00 EDT.
        var due = SlaClock.DueAt(NewYork, DateTimeOffset.Parse("2026-03-06T16:00-05:00"), TimeSpan.FromHours(2));
        Assert.Equal(DateTimeOffset.Parse("2026-03-09T10:00-04:00"), due);
        Assert.Equal(DateTimeOffset.Parse("2026-03-09T14:00Z"), due!.Value.ToUniversalTime());
    }

    [Fact]
    public void Daylight_saving_end_keeps_the_working_day_eight_hours_long()
    {
        // Back to EST on Sunday 1 November 2026: Monday 09:00–17:00 EST is 14:00–22:00Z.
        var due = SlaClock.DueAt(NewYork, DateTimeOffset.Parse("2026-10-30T17:00-04:00"), TimeSpan.FromHours(8));
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T22:00Z"), due!.Value.ToUniversalTime());
    }

    [Fact]
    public void Seven_by_twenty_four_counts_wall_time_across_daylight_saving()
    {
        var due = SlaClock.DueAt(BusinessCalendar.SevenByTwentyFour("America/New_York"), DateTimeOffset.Parse("2026-03-07T12:00-05:00"), TimeSpan.FromHours(24));
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T17:00Z"), due!.Value.ToUniversalTime());
    }

    [Fact]
    public void The_same_wall_clock_hours_fall_due_at_different_moments_in_different_time_zones()
    {
        var start = DateTimeOffset.Parse("2026-11-24T00:00Z");
        var shanghai = SlaClock.DueAt(BusinessCalendar.OfficeHours(), start, TimeSpan.FromHours(1));
        var berlin = SlaClock.DueAt(BusinessCalendar.OfficeHours("Europe/Berlin"), start, TimeSpan.FromHours(1));
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T02:00Z"), shanghai!.Value.ToUniversalTime());
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T09:00Z"), berlin!.Value.ToUniversalTime());
    }

    public static TheoryData<string, string, int, string> PauseCases() => new()
    {
        // pause from, pause until, target minutes, due (ticket opened Tuesday 09:00)
        { "2026-11-24T10:00+08:00", "2026-11-24T11:00+08:00", 120, "2026-11-24T12:00+08:00" },
        { "2026-11-24T10:00+08:00", "2026-11-24T11:00+08:00", 180, "2026-11-24T14:00+08:00" },
        { "2026-11-24T17:00+08:00", "2026-11-25T10:00+08:00", 540, "2026-11-25T12:00+08:00" },
        { "2026-11-23T08:00+08:00", "2026-11-24T09:30+08:00", 30, "2026-11-24T10:00+08:00" },
        { "2026-11-24T12:10+08:00", "2026-11-24T12:50+08:00", 240, "2026-11-24T14:00+08:00" },
    };

    [Theory]
    [MemberData(nameof(PauseCases))]
    public void Waiting_on_the_customer_stops_the_clock(string from, string until, int minutes, string due)
    {
        var pauses = new[] { new Pause(DateTimeOffset.Parse(from), DateTimeOffset.Parse(until)) };
        Assert.Equal(DateTimeOffset.Parse(due), SlaClock.DueAt(Shanghai, DateTimeOffset.Parse("2026-11-24T09:00+08:00"), TimeSpan.FromMinutes(minutes), pauses));
    }

    [Fact]
    public void An_open_ended_pause_has_no_due_time_until_the_customer_answers()
    {
        var pauses = new[] { new Pause(DateTimeOffset.Parse("2026-11-24T10:00+08:00"), null) };
        Assert.Null(SlaClock.DueAt(Shanghai, DateTimeOffset.Parse("2026-11-24T09:00+08:00"), TimeSpan.FromHours(2), pauses));
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T09:30+08:00"), SlaClock.DueAt(Shanghai, DateTimeOffset.Parse("2026-11-24T09:00+08:00"), TimeSpan.FromMinutes(30), pauses));
    }

    [Theory]
    [InlineData("2026-11-27T17:00+08:00", "2026-11-30T10:00+08:00", 120)]
    [InlineData("2026-11-24T12:00+08:00", "2026-11-24T13:00+08:00", 0)]
    [InlineData("2026-11-24T10:00+08:00", "2026-11-24T09:00+08:00", 0)]
    [InlineData("2026-09-30T17:00+08:00", "2026-10-08T10:00+08:00", 120)]
    public void Working_time_between_two_moments(string from, string to, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), SlaClock.Between(Shanghai, DateTimeOffset.Parse(from), DateTimeOffset.Parse(to)));

    [Fact]
    public void A_calendar_without_working_time_is_refused_not_searched_for_ever()
    {
        var closed = new BusinessCalendar { Periods = [new WorkingPeriod(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(10, 0))], Holidays = [] };
        var allHolidays = closed with { Holidays = [.. Enumerable.Range(0, 4 * 366).Select(i => new DateOnly(2026, 1, 1).AddDays(i))] };
        var e = Assert.Throws<RuleViolation>(() => SlaClock.DueAt(allHolidays, DateTimeOffset.Parse("2026-01-01T00:00+08:00"), TimeSpan.FromHours(1)));
        Assert.Equal("calendar", e.Field);
    }

    [Theory]
    [InlineData("Mars/Olympus", "TimeZone")]
    [InlineData("Asia/Shanghai", "Periods")]
    public void Invalid_calendars_name_the_field(string zone, string field)
    {
        var calendar = new BusinessCalendar { TimeZone = zone, Periods = zone == "Asia/Shanghai" ? [new WorkingPeriod(DayOfWeek.Monday, new TimeOnly(18, 0), new TimeOnly(9, 0))] : BusinessCalendar.OfficeHours().Periods };
        var e = Assert.Throws<RuleViolation>(() => RuleViolation.ThrowIfInvalid(calendar));
        Assert.Equal(field, e.Field);
    }
}
