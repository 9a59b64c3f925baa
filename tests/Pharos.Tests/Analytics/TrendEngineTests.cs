using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using static Pharos.Tests.Analytics.AnalyticsRows;

namespace Pharos.Tests.Analytics;

public sealed class TrendEngineTests
{
    private static TrendDefinition Daily(TrendMeasure measure = TrendMeasure.Events) =>
        new() { From = T0, To = T0 + D(3), Series = [0], Measure = measure };

    private static Task<TrendResult> Run(TrendDefinition d, IEnumerable<ScanRow> rows) => TrendEngine.RunAsync(d, rows.AsIs(), CancellationToken.None);

    private static long[] Line(TrendSeries s) => [.. s.Values];

    [Fact]
    public async Task Empty_buckets_between_from_and_to_are_zero()
    {
        List<ScanRow> rows = [Row("p", H(1), [0]), Row("q", H(2), [0]), Row("p", D(2), [0]), Row("p", D(-1), [0]), Row("p", D(3), [0])];

        var r = await Run(Daily(), rows);

        Assert.Equal([new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 7), new DateOnly(2025, 1, 8)], r.Buckets);
        var line = Assert.Single(r.Series);
        Assert.Equal([2L, 0, 1], Line(line));
        Assert.Equal(3, line.Total);
        Assert.Null(line.Breakdown);
    }

    [Fact]
    public async Task Days_are_cut_at_midnight_in_the_business_time_zone()
    {
        // 15:59:59 UTC is 23:59:59 in Shanghai, 16:00 UTC is the next day there.
        var late = new DateTimeOffset(2025, 1, 6, 15, 59, 59, TimeSpan.Zero);
        List<ScanRow> rows = [new("p", null, Micros(late), 1, "e", null), new("p", null, Micros(late.AddSeconds(1)), 1, "e", null)];

        var shanghai = Line((await Run(Daily(), rows)).Series[0]);
        var utc = Line((await Run(Daily() with { TimeZone = "UTC", From = T0 - H(8) }, rows)).Series[0]);

        Assert.Equal([1L, 1, 0], shanghai);
        // In UTC both are on 2025-01-06, the second of the four UTC days the range touches.
        Assert.Equal([0L, 2, 0, 0], utc);
    }

    [Fact]
    public async Task Days_follow_daylight_saving_time()
    {
        // Berlin moves from UTC+1 to UTC+2 on 2025-03-30: 21:30 UTC that day is 23:30 local, 22:30 UTC is the 31st.
        var berlin = new DateTimeOffset(2025, 3, 30, 0, 0, 0, TimeSpan.FromHours(1));
        DateTimeOffset[] times = [new(2025, 3, 29, 23, 30, 0, TimeSpan.Zero), new(2025, 3, 30, 21, 30, 0, TimeSpan.Zero), new(2025, 3, 30, 22, 30, 0, TimeSpan.Zero)];
        var d = new TrendDefinition { From = berlin, To = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)), Series = [0], TimeZone = "Europe/Berlin" };

        var r = await Run(d, times.Select(t => new ScanRow("p", null, Micros(t), 1, "e", null)));

        Assert.Equal([new DateOnly(2025, 3, 30), new DateOnly(2025, 3, 31)], r.Buckets);
        Assert.Equal([2L, 1], Line(r.Series[0]));
    }

    [Fact]
    public async Task Unique_persons_count_each_person_once_per_bucket_and_once_in_the_total()
    {
        List<ScanRow> rows = [Row("p", H(1), [0]), Row("p", H(2), [0]), Row("q", H(3), [0]), Row("p", D(1), [0])];

        var line = (await Run(Daily(TrendMeasure.UniquePersons), rows)).Series[0];

        Assert.Equal([2L, 1, 0], Line(line));
        Assert.Equal(2, line.Total);
    }

    [Fact]
    public async Task Unique_accounts_leave_out_events_without_an_account()
    {
        List<ScanRow> rows = [Row("p", H(1), [0], account: "acme"), Row("q", H(2), [0], account: "acme"), Row("r", H(3), [0]), Row("s", D(1), [0], account: "globex")];

        var line = (await Run(Daily(TrendMeasure.UniqueAccounts), rows)).Series[0];

        Assert.Equal([1L, 1, 0], Line(line));
        Assert.Equal(2, line.Total);
    }

    [Fact]
    public async Task Each_series_counts_the_rows_of_its_matcher()
    {
        List<ScanRow> rows = [Row("p", H(1), [0, 2]), Row("p", H(2), [2]), Row("p", H(3), [1])];

        var r = await Run(Daily() with { Series = [2, 0] }, rows);

        Assert.Equal([(0, 2, 2L), (1, 0, 1L)], r.Series.Select(s => (s.Series, s.Matcher, s.Total)));
    }

    [Fact]
    public async Task A_breakdown_keeps_the_largest_values_and_sums_the_rest_into_other()
    {
        List<ScanRow> rows =
        [
            .. Enumerable.Range(0, 5).Select(i => Row("p", H(i), [0], breakdown: "a")),
            .. Enumerable.Range(0, 3).Select(i => Row("p", D(1) + H(i), [0], breakdown: "b")),
            .. Enumerable.Range(0, 2).Select(i => Row("p", D(2) + H(i), [0], breakdown: "c")),
            .. Enumerable.Range(0, 2).Select(i => Row("p", D(2) + H(i), [0])),
        ];

        var r = await Run(Daily() with { Breakdown = true, BreakdownLimit = 2 }, rows);

        Assert.Equal(["a", "b", BreakdownLabels.Other], r.Series.Select(s => s.Breakdown));
        Assert.Equal([5L, 3, 4], r.Series.Select(s => s.Total));
        Assert.Equal([0L, 0, 4], Line(r.Series[2]));
    }

    [Fact]
    public async Task A_person_under_two_grouped_values_counts_once_in_other()
    {
        List<ScanRow> rows =
        [
            Row("p", H(1), [0], breakdown: "a"), Row("q", H(1), [0], breakdown: "a"),
            Row("r", H(1), [0], breakdown: "b"), Row("r", H(2), [0], breakdown: "c"), Row("r", D(1), [0]),
        ];

        var r = await Run(Daily(TrendMeasure.UniquePersons) with { Breakdown = true, BreakdownLimit = 1 }, rows);

        Assert.Equal(["a", BreakdownLabels.Other], r.Series.Select(s => s.Breakdown));
        Assert.Equal([1L, 1, 0], Line(r.Series[1]));
        Assert.Equal(1, r.Series[1].Total);
    }

    [Fact]
    public async Task Weekly_buckets_start_on_monday_and_monthly_on_the_first()
    {
        var wednesday = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        List<ScanRow> rows = [Row("p", D(-5), [0]), Row("p", D(0), [0]), Row("p", D(30), [0])];

        var weekly = await Run(new TrendDefinition { From = wednesday, To = wednesday + D(46), Series = [0], Interval = TimeInterval.Week }, rows);
        var monthly = await Run(new TrendDefinition { From = wednesday, To = wednesday + D(46), Series = [0], Interval = TimeInterval.Month }, rows);

        Assert.Equal(new DateOnly(2024, 12, 30), weekly.Buckets[0]);
        Assert.Equal(7, weekly.Buckets.Count);
        Assert.Equal([1L, 1, 0, 0, 0, 1, 0], Line(weekly.Series[0]));
        Assert.Equal([new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 1)], monthly.Buckets);
        Assert.Equal([2L, 1], Line(monthly.Series[0]));
    }
}
