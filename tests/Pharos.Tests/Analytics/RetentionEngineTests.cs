using Pharos.Analytics.Funnels;
using Pharos.Analytics.Retention;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using static Pharos.Tests.Analytics.AnalyticsRows;

namespace Pharos.Tests.Analytics;

public sealed class RetentionEngineTests
{
    private const int Start = 0, Return = 1;

    private static RetentionDefinition Daily(RetentionMode mode = RetentionMode.FirstTime, RetentionCriterion criterion = RetentionCriterion.On) => new()
    {
        StartMatcher = Start, ReturnMatcher = Return, From = T0, To = T0 + D(3),
        Period = TimeInterval.Day, Periods = 3, Mode = mode, Criterion = criterion,
    };

    /// <summary>
    /// Days are Shanghai days from Monday 2025-01-06. a and b start on day 0, c and d on day 1 (d again on day 2),
    /// e started the day before the range and again on day 0.
    /// </summary>
    private static List<ScanRow> Book() =>
    [
        Row("a", D(0) + H(9), [Start]), Row("a", D(1) + H(9), [Return]), Row("a", D(2) + H(9), [Return]),
        Row("b", D(0) + H(23), [Start]), Row("b", D(2) + H(1), [Return]),
        Row("c", D(1) + H(12), [Start]), Row("c", D(2) + H(12), [Return]), Row("c", D(4) + H(12), [Return]),
        Row("d", D(1) + H(8), [Start]), Row("d", D(2) + H(8), [Start]), Row("d", D(3) + H(8), [Return]),
        Row("e", D(-1) + H(10), [Start]), Row("e", D(0) + H(10), [Start]), Row("e", D(1) + H(10), [Return]),
    ];

    private static Task<RetentionResult> Run(RetentionDefinition d, IEnumerable<ScanRow> rows) => RetentionEngine.RunAsync(d, rows.AsIs(), CancellationToken.None);

    private static int?[][] Table(RetentionResult r) => [.. r.Cohorts.Select(c => c.Periods.Select(p => p.Count).ToArray())];

    private static void Is(int?[][] expected, int?[][] actual) => Assert.Equal(expected, actual);

    [Fact]
    public async Task First_time_retention_puts_each_person_in_the_cohort_of_their_first_start()
    {
        var r = await Run(Daily(), Book());

        Assert.Equal([new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 7), new DateOnly(2025, 1, 8)], r.Cohorts.Select(c => c.Start));
        Is([[2, 1, 2, 0], [2, 1, 1, 1], [0, 0, 0, 0]], Table(r));
        Assert.Equal([100, 50, 100, 0], r.Cohorts[0].Periods.Select(p => p.Percent));
        Assert.Null(r.Cohorts[2].Periods[1].Percent);
    }

    [Fact]
    public async Task Retention_does_not_depend_on_the_row_order()
    {
        var shuffled = Book().OrderBy(r => r.Label).ThenByDescending(r => r.TimestampMicros).ToList();

        Is(Table(await Run(Daily(), Book())), Table(await Run(Daily(), shuffled)));
        Is(Table(await Run(Daily(RetentionMode.Recurring), Book())), Table(await Run(Daily(RetentionMode.Recurring), shuffled)));
    }

    [Fact]
    public async Task Recurring_retention_counts_a_person_in_every_period_they_started()
    {
        var r = await Run(Daily(RetentionMode.Recurring), Book());

        Is([[3, 2, 2, 0], [2, 1, 1, 1], [1, 1, 0, 0]], Table(r));
    }

    [Fact]
    public async Task On_or_after_counts_a_return_in_period_n_or_any_later_one()
    {
        var r = await Run(Daily(criterion: RetentionCriterion.OnOrAfter), Book());

        Is([[2, 2, 2, 0], [2, 2, 2, 1], [0, 0, 0, 0]], Table(r));
    }

    [Fact]
    public async Task The_mean_row_weighs_each_cohort_by_its_size()
    {
        var r = await Run(Daily(), Book());

        Assert.Equal([100, 50, 75, 25], r.WeightedMean.Select(c => c.Percent));
        Assert.Equal([4, 2, 3, 1], r.WeightedMean.Select(c => c.Count));
    }

    [Fact]
    public async Task Periods_not_reached_yet_are_empty_and_left_out_of_the_mean()
    {
        var r = await Run(Daily() with { ObservedUntil = T0 + D(3) + H(12) }, Book());

        Is([[2, 1, 2, 0], [2, 1, 1, null], [0, 0, null, null]], Table(r));
        Assert.Equal(0, r.WeightedMean[3].Percent);
        Assert.Equal(100.0 * 2 / 4, r.WeightedMean[1].Percent);
    }

    [Fact]
    public async Task Weeks_start_on_monday_in_the_business_time_zone()
    {
        // Sunday 23:30 and Monday 00:30 in Shanghai are the same UTC day, but different weeks.
        var d = new RetentionDefinition { StartMatcher = Start, ReturnMatcher = Return, From = T0, To = T0 + D(7), Period = TimeInterval.Week, Periods = 2 };
        List<ScanRow> rows = [Row("p", D(6) + H(23.5), [Start]), Row("p", D(7) + H(0.5), [Return])];

        var r = await Run(d, rows);

        Assert.Equal(new DateOnly(2025, 1, 6), Assert.Single(r.Cohorts).Start);
        Is([[1, 1, 0]], Table(r));
        // In UTC both fall on Sunday 2025-01-12: the return is in the cohort's own week (and the range's start
        // reaches back into the UTC week of 2024-12-30, an empty cohort).
        Is([[0, 0, 0], [1, 0, 0]], Table(await Run(d with { TimeZone = "UTC" }, rows)));
    }

    [Fact]
    public async Task Monthly_cohorts_start_on_the_first_of_the_month()
    {
        var d = new RetentionDefinition { StartMatcher = Start, ReturnMatcher = Return, From = T0, To = T0 + D(40), Period = TimeInterval.Month, Periods = 1 };
        List<ScanRow> rows = [Row("p", D(0), [Start]), Row("p", D(26), [Return]), Row("q", D(30), [Start])];

        var r = await Run(d, rows);

        Assert.Equal([new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 1)], r.Cohorts.Select(c => c.Start));
        Is([[1, 1], [1, 0]], Table(r));
    }

    [Fact]
    public async Task Retention_by_account_counts_any_member_returning()
    {
        var d = Daily() with { CountBy = CountBy.Account };
        List<ScanRow> rows =
        [
            Row("p1", D(0), [Start], account: "acme"), Row("p2", D(1), [Return], account: "acme"),
            Row("p3", D(0), [Start]), Row("p3", D(1), [Return]),
        ];

        Is([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], Table(await Run(d, rows)));
    }

    [Fact]
    public async Task An_event_that_is_both_start_and_return_counts_as_both()
    {
        var d = new RetentionDefinition { StartMatcher = 0, ReturnMatcher = 0, From = T0, To = T0 + D(1), Period = TimeInterval.Day, Periods = 2 };
        List<ScanRow> rows = [Row("p", D(0), [0]), Row("p", D(2), [0])];

        Is([[1, 0, 1]], Table(await Run(d, rows)));
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => (Daily() with { TimeZone = "Mars/Olympus" }).ThrowIfInvalid());

        Assert.Contains("Mars/Olympus", e.Message);
    }
}
