using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;
using static Pharos.Tests.Analytics.AnalyticsRows;

namespace Pharos.Tests.Analytics;

public sealed class FunnelEngineTests
{
    // Matchers of the hand-built scans.
    private const int A = 0, B = 1, C = 2, X = 3;
    private static readonly int[] None = [];

    private static FunnelDefinition Abc(FunnelOrder order = FunnelOrder.Sequential) => new() { Steps = [A, B, C], Order = order };

    private static Task<FunnelResult> Run(FunnelDefinition d, IEnumerable<ScanRow> rows) => FunnelEngine.RunAsync(d, rows.Ordered(), CancellationToken.None);

    /// <summary>Assert.Equal with arrays: a collection expression would pick the span overload, which cannot cross an await.</summary>
    private static void Is<T>(T[] expected, T[] actual) => Assert.Equal(expected, actual);

    private static int[] Counts(FunnelSeries s) => [.. s.Steps.Select(x => x.Count)];

    private static async Task<string[]> Units(FunnelDefinition d, IEnumerable<ScanRow> rows, int step, bool dropped = false, string? breakdown = null) =>
        [.. (await FunnelEngine.ListUnitsAsync(d, new FunnelUnitsQuery(step, dropped, breakdown), rows.Ordered(), CancellationToken.None)).Units];

    /// <summary>
    /// The research note's toy data (docs/research/issue-5-analytics.md §5): Signed Up → Report Created → Report
    /// Exported (csv). Noise rows match no matcher; u2's export is a pdf, so it matches none either.
    /// </summary>
    private static List<ScanRow> Toy() =>
    [
        Row("u1", D(0) + H(10), [A]), Row("u1", D(0) + H(12), None), Row("u1", D(1) + H(10), [B]), Row("u1", D(1) + H(15), None),
        Row("u1", D(1) + H(10) + S(120_000), [C]),
        Row("u2", H(9), [A]), Row("u2", H(10), [B]), Row("u2", H(11), None),
        Row("u3", D(0), [A]), Row("u3", D(20), [B]),
        Row("u4", D(0), [B]), Row("u4", D(1), [C]), Row("u4", D(2), [A]),
        Row("u5", D(0) + H(8), [A]), Row("u5", D(15) + H(8), [B]), Row("u5", D(16) + H(8), [A]),
        Row("u5", D(16) + H(8) + S(90_000), [B]), Row("u5", D(16) + H(8) + S(90_000 + 146_400), [C]),
        Row("u6", D(1), [B]), Row("u6", D(2), [C]),
    ];

    [Fact]
    public async Task The_research_toy_funnel_gives_five_three_two_with_its_medians()
    {
        var r = await Run(Abc(), Toy());

        Assert.Equal([5, 3, 2], Counts(r.Total));
        Assert.Equal([100, 60, 40], r.Total.Steps.Select(s => s.ConversionFromFirst));
        Assert.Equal([100, 60, 100.0 * 2 / 3], r.Total.Steps.Select(s => s.ConversionFromPrevious));
        Assert.Equal([0, 2, 1], r.Total.Steps.Select(s => s.DroppedOff));
        Assert.Null(r.Total.Steps[0].MedianSecondsFromPrevious);
        Assert.Equal(86_400, r.Total.Steps[1].MedianSecondsFromPrevious);
        Assert.Equal((86_400 + 3_600 + 90_000) / 3.0, r.Total.Steps[1].AverageSecondsFromPrevious);
        Assert.Equal(133_200, r.Total.Steps[2].MedianSecondsFromPrevious);
        Assert.Empty(r.Breakdowns);
        Assert.Equal(0, r.ExcludedUnits);
    }

    [Fact]
    public async Task The_toy_funnel_lists_who_converted_and_where_each_one_dropped()
    {
        Is(["u1", "u5"], await Units(Abc(), Toy(), 3));
        Is(["u3", "u4"], await Units(Abc(), Toy(), 2, dropped: true));
        Is(["u2"], await Units(Abc(), Toy(), 3, dropped: true));
        Is(["u1", "u2", "u3", "u4", "u5"], await Units(Abc(), Toy(), 1));
    }

    [Fact]
    public async Task A_unit_list_is_capped_and_says_so()
    {
        var list = await FunnelEngine.ListUnitsAsync(Abc(), new FunnelUnitsQuery(1, Limit: 2), Toy().Ordered(), CancellationToken.None);

        Assert.Equal(["u1", "u2"], list.Units);
        Assert.Equal(5, list.Total);
        Assert.True(list.Truncated);
    }

    [Fact]
    public async Task Strict_funnel_resets_on_an_event_between_steps()
    {
        List<ScanRow> rows =
        [
            Row("noisy", M(0), [A]), Row("noisy", M(1), None), Row("noisy", M(2), [B]), Row("noisy", M(3), [C]),
            Row("direct", M(0), [A]), Row("direct", M(1), [B]), Row("direct", M(2), [C]),
        ];

        Is([2, 1, 1], Counts((await Run(Abc(FunnelOrder.Strict), rows)).Total));
        Is([2, 2, 2], Counts((await Run(Abc(), rows)).Total));
        Assert.True(Abc(FunnelOrder.Strict).NeedsAllEvents);
        Assert.False(Abc().NeedsAllEvents);
    }

    [Fact]
    public async Task Strict_funnel_ignores_an_unrelated_event_at_the_same_time_as_a_step()
    {
        List<ScanRow> rows = [Row("p", M(0), [A]), Row("p", M(1), [B]), Row("p", M(1), None), Row("p", M(2), [C])];

        Is([1, 1, 1], Counts((await Run(Abc(FunnelOrder.Strict), rows)).Total));
    }

    [Fact]
    public async Task Strict_funnel_restarts_from_a_repeated_first_step()
    {
        List<ScanRow> rows = [Row("p", M(0), [A]), Row("p", M(1), [A]), Row("p", M(2), [B]), Row("p", M(3), [C])];

        var r = await Run(Abc(FunnelOrder.Strict), rows);

        Assert.Equal([1, 1, 1], Counts(r.Total));
        Assert.Equal(60, r.Total.Steps[1].MedianSecondsFromPrevious);
    }

    [Fact]
    public async Task Any_order_funnel_counts_steps_done_in_any_order_within_the_window()
    {
        List<ScanRow> rows =
        [
            Row("all", H(0), [C]), Row("all", H(1), [A]), Row("all", H(2), [B]),
            Row("apart", D(0), [B]), Row("apart", D(15), [A]),
            Row("two", D(0), [A]), Row("two", D(1), [C]),
        ];

        var r = await Run(Abc(FunnelOrder.AnyOrder), rows);

        Assert.Equal([3, 2, 1], Counts(r.Total));
        // Step k is "k steps done": the time from the (k-1)-th to the k-th event of the kept attempt.
        Assert.Equal((3600 + 86_400) / 2.0, r.Total.Steps[1].MedianSecondsFromPrevious);
        Assert.Equal(3600, r.Total.Steps[2].MedianSecondsFromPrevious);
        Is([3, 1, 0], Counts((await Run(Abc(), rows)).Total));
    }

    [Fact]
    public async Task Any_order_funnel_with_a_repeated_step_needs_the_event_twice()
    {
        var d = new FunnelDefinition { Steps = [A, A, B], Order = FunnelOrder.AnyOrder };
        List<ScanRow> rows =
        [
            Row("twice", M(0), [A]), Row("twice", M(1), [B]), Row("twice", M(2), [A]),
            Row("once", M(0), [B]), Row("once", M(1), [A]),
        ];

        Is([2, 2, 1], Counts((await Run(d, rows)).Total));
    }

    [Fact]
    public async Task Any_order_funnel_matches_an_event_that_fits_two_steps_to_the_one_left_open()
    {
        // Matcher B is "any page", so every B event also matches C's "pricing page": one event still fills one step.
        List<ScanRow> rows = [Row("p", M(0), [B, C]), Row("p", M(1), [B]), Row("p", M(2), [A])];

        Is([1, 1, 1], Counts((await Run(Abc(FunnelOrder.AnyOrder), rows)).Total));
    }

    [Fact]
    public async Task Any_order_funnel_drops_a_unit_whose_only_progress_an_exclusion_broke()
    {
        var d = new FunnelDefinition { Steps = [A, B], Order = FunnelOrder.AnyOrder, Exclusions = [new(X, 1, 2)] };
        List<ScanRow> rows =
        [
            Row("cut", M(0), [A]), Row("cut", M(1), [X]),
            Row("again", M(0), [A]), Row("again", M(1), [X]), Row("again", M(2), [B]),
            Row("before", M(0), [A]), Row("before", M(1), [B]), Row("before", M(2), [X]),
        ];

        var r = await Run(d, rows);

        Assert.Equal([2, 1], Counts(r.Total));
        Assert.Equal(1, r.ExcludedUnits);
        Is(["again", "before"], await Units(d, rows, 1));
    }

    [Fact]
    public async Task An_exclusion_between_two_steps_drops_the_person_from_the_whole_funnel()
    {
        var d = Abc() with { Exclusions = [new(X, 1, 2)] };
        List<ScanRow> rows =
        [
            Row("excluded", M(0), [A]), Row("excluded", M(1), [X]), Row("excluded", M(2), [B]), Row("excluded", M(3), [C]),
            Row("late", M(0), [A]), Row("late", M(1), [B]), Row("late", M(2), [X]), Row("late", M(3), [C]),
            Row("retried", M(0), [A]), Row("retried", M(1), [X]), Row("retried", M(2), [A]), Row("retried", M(3), [B]),
            Row("outside", D(0), [A]), Row("outside", D(15), [X]),
        ];

        var r = await Run(d, rows);

        Assert.Equal([3, 2, 1], Counts(r.Total));
        Assert.Equal(1, r.ExcludedUnits);
        Is(["late", "outside", "retried"], await Units(d, rows, 1));
        Is(["late", "retried"], await Units(d, rows, 2));
    }

    [Fact]
    public async Task An_exclusion_over_several_steps_catches_the_event_in_any_gap_of_the_range()
    {
        var d = Abc() with { Exclusions = [new(X, 1, 3)] };
        List<ScanRow> rows = [Row("p", M(0), [A]), Row("p", M(1), [B]), Row("p", M(2), [X]), Row("p", M(3), [C])];

        var r = await Run(d, rows);

        Assert.Equal([0, 0, 0], Counts(r.Total));
        Assert.Equal(1, r.ExcludedUnits);
        Is([1, 1, 1], Counts((await Run(Abc() with { Exclusions = [new(X, 1, 2)] }, rows)).Total));
    }

    [Fact]
    public async Task A_funnel_by_account_joins_the_steps_of_different_people()
    {
        var d = Abc() with { CountBy = CountBy.Account };
        List<ScanRow> rows =
        [
            Row("p1", H(0), [A], account: "acme"), Row("p2", H(1), [B], account: "acme"), Row("p3", H(2), [C], account: "acme"),
            Row("p4", H(0), [A], account: "globex"), Row("p4", D(20), [B], account: "globex"),
            Row("p5", H(0), [A]), Row("p5", H(1), [B]),
        ];

        var r = await Run(d, rows);

        Assert.Equal([2, 1, 1], Counts(r.Total));
        Assert.Equal(3600, r.Total.Steps[1].MedianSecondsFromPrevious);
        Is(["acme"], await Units(d, rows, 3));
        Is([3, 1, 0], Counts((await Run(Abc(), rows)).Total));
    }

    [Fact]
    public async Task The_breakdown_value_comes_from_the_first_event_of_the_kept_attempt()
    {
        var d = new FunnelDefinition { Steps = [A, B], Breakdown = true };
        List<ScanRow> rows =
        [
            Row("p1", H(0), [A], breakdown: "web"), Row("p1", H(1), [B], breakdown: "app"),
            Row("p2", H(0), [A]),
            Row("p3", H(0), [A], breakdown: "app"), Row("p3", H(1), [A], breakdown: "web"), Row("p3", H(2), [B]),
            Row("p4", H(0), [A], breakdown: "app"), Row("p4", H(1), [B]),
        ];

        var r = await Run(d, rows);

        Assert.Equal([4, 3], Counts(r.Total));
        Assert.Equal(["web", "app", BreakdownLabels.None], r.Breakdowns.Select(b => b.Breakdown));
        Assert.Equal([[2, 2], [1, 1], [1, 0]], r.Breakdowns.Select(Counts));
        Is(["p1", "p3"], await Units(d, rows, 2, breakdown: "web"));
    }

    [Fact]
    public async Task Breakdown_values_beyond_the_limit_are_summed_into_other()
    {
        var d = new FunnelDefinition { Steps = [A, B], Breakdown = true, BreakdownLimit = 1 };
        List<ScanRow> rows =
        [
            Row("p1", H(0), [A], breakdown: "web"), Row("p1", H(1), [B]),
            Row("p2", H(0), [A], breakdown: "web"),
            Row("p3", H(0), [A], breakdown: "app"), Row("p3", H(3), [B]),
            Row("p4", H(0), [A]),
        ];

        var r = await Run(d, rows);

        Assert.Equal(["web", BreakdownLabels.Other], r.Breakdowns.Select(b => b.Breakdown));
        Assert.Equal([2, 1], Counts(r.Breakdowns[1]));
        Assert.Equal(3 * 3600, r.Breakdowns[1].Steps[1].MedianSecondsFromPrevious);
        Is(["p3", "p4"], await Units(d, rows, 1, breakdown: BreakdownLabels.Other));
    }

    [Fact]
    public async Task The_median_of_an_even_count_is_the_mean_of_the_two_middle_times()
    {
        var d = new FunnelDefinition { Steps = [A, B] };
        List<ScanRow> rows = [.. new[] { 60, 120, 180, 600 }.SelectMany((s, i) => new[] { Row($"p{i}", S(0), [A]), Row($"p{i}", S(s), [B]) })];

        var step = (await Run(d, rows)).Total.Steps[1];

        Assert.Equal(150, step.MedianSecondsFromPrevious);
        Assert.Equal(240, step.AverageSecondsFromPrevious);
    }

    [Fact]
    public async Task The_conversion_window_includes_its_last_microsecond_and_runs_from_the_first_step()
    {
        List<ScanRow> rows =
        [
            Row("edge", D(0), [A]), Row("edge", D(14), [B]),
            Row("over", D(0), [A]), new("over", null, At(D(14)) + 1, Bits(B), "event", null),
            Row("chain", D(0), [A]), Row("chain", D(10), [B]), Row("chain", D(15), [C]),
        ];

        Is(["chain", "edge"], await Units(Abc(), rows, 2));
        Assert.Empty(await Units(Abc(), rows, 3));
        Is(["chain", "edge", "over"], await Units(Abc() with { ConversionWindow = D(15) }, rows, 2));
    }

    [Fact]
    public async Task Different_steps_at_the_same_time_are_taken_in_step_order()
    {
        List<ScanRow> rows = [Row("p", M(0), [B]), Row("p", M(0), [A]), Row("p", M(0), [C])];

        var r = await Run(Abc(), rows);

        Assert.Equal([1, 1, 1], Counts(r.Total));
        Assert.Equal(0, r.Total.Steps[2].MedianSecondsFromPrevious);
    }

    [Fact]
    public async Task One_event_fills_one_step_of_an_attempt_and_the_deepest_one_wins()
    {
        // The event after A matches both B and C: it fills step 2 only.
        List<ScanRow> rows = [Row("p", M(0), [A]), Row("p", M(1), [B, C])];
        Is([1, 1, 0], Counts((await Run(Abc(), rows)).Total));

        // A repeated step needs two events; two at the same time are two events.
        var twice = new FunnelDefinition { Steps = [A, A] };
        Is([1, 0], Counts((await Run(twice, [Row("p", M(0), [A])])).Total));
        Is([1, 1], Counts((await Run(twice, [Row("p", M(0), [A]), Row("p", M(0), [A])])).Total));
        Is([1, 1], Counts((await Run(twice, [Row("p", M(0), [A]), Row("p", M(5), [A])])).Total));
    }

    [Fact]
    public async Task Equal_times_are_ordered_by_breakdown_value_so_storage_order_does_not_matter()
    {
        var d = new FunnelDefinition { Steps = [A, B], Breakdown = true };
        List<ScanRow> one = [Row("p", M(0), [A], breakdown: "web"), Row("p", M(0), [A], breakdown: "app"), Row("p", M(1), [B])];
        List<ScanRow> other = [one[1], one[0], one[2]];

        var first = await FunnelEngine.RunAsync(d, one.AsIs(), CancellationToken.None);
        var second = await FunnelEngine.RunAsync(d, other.AsIs(), CancellationToken.None);

        Assert.Equal("app", Assert.Single(first.Breakdowns).Breakdown);
        Assert.Equal("app", Assert.Single(second.Breakdowns).Breakdown);
    }

    [Fact]
    public async Task A_strict_funnel_by_account_is_broken_by_any_members_event()
    {
        var d = Abc(FunnelOrder.Strict) with { CountBy = CountBy.Account };
        List<ScanRow> rows =
        [
            Row("p1", M(0), [A], account: "acme"), Row("p2", M(1), [B], account: "acme"), Row("p1", M(2), [C], account: "acme"),
            Row("p3", M(0), [A], account: "globex"), Row("p4", M(1), None, account: "globex"), Row("p3", M(2), [B], account: "globex"),
        ];

        Is([2, 1, 1], Counts((await Run(d, rows)).Total));
    }

    [Fact]
    public async Task The_first_attempt_to_reach_the_furthest_step_gives_the_times()
    {
        List<ScanRow> rows =
        [
            Row("slow", H(0), [A]), Row("slow", H(10), [B]), Row("slow", H(20), [A]), Row("slow", H(21), [B]),
            Row("deeper", D(0), [A]), Row("deeper", D(0) + H(1), [B]), Row("deeper", D(2), [A]), Row("deeper", D(2) + H(5), [B]), Row("deeper", D(2) + H(6), [C]),
        ];

        var r = await Run(Abc(), rows);

        Assert.Equal([2, 2, 1], Counts(r.Total));
        Assert.Equal((10 + 5) * 3600 / 2.0, r.Total.Steps[1].MedianSecondsFromPrevious);
        Assert.Equal(3600, r.Total.Steps[2].MedianSecondsFromPrevious);
    }

    [Fact]
    public async Task Rows_out_of_order_are_refused()
    {
        List<ScanRow> backwards = [Row("p", M(5), [A]), Row("p", M(1), [B])];
        List<ScanRow> scattered = [Row("p", M(0), [A]), Row("q", M(0), [A]), Row("p", M(1), [B])];

        await Assert.ThrowsAsync<InvalidOperationException>(() => FunnelEngine.RunAsync(Abc(), backwards.AsIs(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => FunnelEngine.RunAsync(Abc(), scattered.AsIs(), CancellationToken.None));
    }

    [Fact]
    public async Task A_funnel_by_account_does_not_need_rows_ordered_by_account()
    {
        List<ScanRow> rows = [Row("p2", H(1), [B], account: "acme"), Row("p1", H(0), [A], account: "acme"), Row("p2", H(3), [C], account: "acme")];

        var r = await FunnelEngine.RunAsync(Abc() with { CountBy = CountBy.Account }, rows.AsIs(), CancellationToken.None);

        Assert.Equal([1, 1, 1], Counts(r.Total));
    }

    [Fact]
    public async Task A_cancelled_funnel_stops()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FunnelEngine.RunAsync(Abc(), Toy().Ordered(), cts.Token));
    }

    [Theory]
    [InlineData(new[] { 0 }, "2 to 10 steps")]
    [InlineData(new[] { 0, 1 }, "cannot also be an exclusion", 1, 1, 2)]
    [InlineData(new[] { 0, 1, 2 }, "from one step to a later one", 3, 2, 2)]
    public void Invalid_funnels_are_refused_with_a_reason(int[] steps, string reason, int exclusion = -1, int from = 0, int to = 0)
    {
        var d = new FunnelDefinition { Steps = steps, Exclusions = exclusion < 0 ? [] : [new(exclusion, from, to)] };

        var e = Assert.Throws<ArgumentException>(() => d.ThrowIfInvalid());
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_any_order_funnel_refuses_a_partial_exclusion()
    {
        var d = Abc(FunnelOrder.AnyOrder) with { Exclusions = [new(X, 1, 2)] };

        Assert.Contains("spans the whole funnel", Assert.Throws<ArgumentException>(() => d.ThrowIfInvalid()).Message);
    }
}
