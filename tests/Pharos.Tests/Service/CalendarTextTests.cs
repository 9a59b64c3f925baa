using Pharos.Platform.Problems;
using Pharos.Service.Levels;
using Pharos.Service.Sla;

namespace Pharos.Tests.Service;

/// <summary>The calendar editor's text forms: periods per weekday and dates or ranges per line, both ways.</summary>
public sealed class CalendarTextTests
{
    [Fact]
    public void Periods_and_date_ranges_round_trip()
    {
        var periods = CalendarText.ParsePeriods(DayOfWeek.Monday, "9:00-12:00，13:00 - 18:00", "Monday").ToList();
        Assert.Equal([new WorkingPeriod(DayOfWeek.Monday, new(9, 0), new(12, 0)), new WorkingPeriod(DayOfWeek.Monday, new(13, 0), new(18, 0))], periods);
        Assert.Equal("09:00-12:00, 13:00-18:00", CalendarText.Periods(new BusinessCalendar { Periods = periods }, DayOfWeek.Monday));

        var dates = CalendarText.ParseDates("2026-10-01..2026-10-07\n2026-01-01\n2026/2/14, 2026-10-03", "holidays");
        Assert.Equal(9, dates.Count); // the repeated 10-03 counts once
        Assert.Equal("2026-01-01\n2026-02-14\n2026-10-01..2026-10-07", CalendarText.Dates(dates));
        Assert.Empty(CalendarText.ParseDates("  ", "holidays"));
    }

    [Theory]
    [InlineData("9-12", "Monday")]
    [InlineData("18:00-09:00", "Monday")]
    [InlineData("nine to five", "Monday")]
    public void A_bad_period_names_its_day(string text, string field) =>
        Assert.Equal(field, Assert.Throws<RuleViolation>(() => CalendarText.ParsePeriods(DayOfWeek.Monday, text, field).ToList()).Field);

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-10-07..2026-10-01")]
    [InlineData("2026-01-01..2027-06-01")]
    [InlineData("国庆")]
    public void A_bad_date_line_names_the_field(string text) =>
        Assert.Equal("holidays", Assert.Throws<RuleViolation>(() => CalendarText.ParseDates(text, "holidays")).Field);
}
