using Pharos.Analytics.Funnels;
using Pharos.Analytics.Paths;
using Pharos.Analytics.Store;
using static Pharos.Tests.Analytics.AnalyticsRows;

namespace Pharos.Tests.Analytics;

public sealed class PathEngineTests
{
    private static ScanRow Page(string person, TimeSpan at, string path) => Row(person, at, [0], label: path);

    private static Task<PathResult> Run(PathDefinition d, IEnumerable<ScanRow> rows) => PathEngine.RunAsync(d, rows.Ordered(), CancellationToken.None);

    private static (int, string, string, int)[] Edges(PathResult r) => [.. r.Edges.Select(e => (e.Step, e.From, e.To, e.Persons))];

    private static void Is((int, string, string, int)[] expected, (int, string, string, int)[] actual) => Assert.Equal(expected, actual);

    private static List<ScanRow> Visits() =>
    [
        Page("p1", M(0), "/home"), Page("p1", M(1), "/pricing"), Page("p1", M(2), "/signup"),
        Page("p2", M(0), "/home"), Page("p2", M(1), "/pricing"), Page("p2", M(2), "/docs"),
        Page("p3", M(0), "/blog"), Page("p3", M(1), "/home"), Page("p3", M(2), "/docs"),
    ];

    [Fact]
    public async Task Paths_after_a_pivot_count_the_people_on_each_link()
    {
        var r = await Run(new PathDefinition { Pivot = "/home" }, Visits());

        Is([(1, "/home", "/pricing", 2), (1, "/home", "/docs", 1), (2, "/pricing", "/docs", 1), (2, "/pricing", "/signup", 1)], Edges(r));
        Assert.Equal(3, r.Persons);
        Assert.Equal(3, r.Paths);
    }

    [Fact]
    public async Task Paths_before_a_pivot_run_backwards_but_links_point_forward()
    {
        var r = await Run(new PathDefinition { Pivot = "/docs", Direction = PathDirection.Before }, Visits());

        Is([(1, "/home", "/docs", 1), (1, "/pricing", "/docs", 1), (2, "/blog", "/home", 1), (2, "/home", "/pricing", 1)], Edges(r));
    }

    [Fact]
    public async Task Events_more_than_thirty_minutes_apart_start_a_new_path()
    {
        List<ScanRow> rows =
        [
            Page("cut", M(0), "/home"), Page("cut", M(31), "/pricing"),
            Page("kept", M(0), "/home"), Page("kept", M(30), "/pricing"),
        ];

        var r = await Run(new PathDefinition { Pivot = "/home" }, rows);

        Is([(1, "/home", "/pricing", 1)], Edges(r));
        Assert.Equal(2, r.Paths);
    }

    [Fact]
    public async Task Repeated_labels_in_a_row_collapse_into_one_node()
    {
        List<ScanRow> rows = [Page("p", M(0), "/home"), Page("p", M(1), "/home"), Page("p", M(2), "/pricing")];

        Is([(1, "/home", "/pricing", 1)], Edges(await Run(new PathDefinition { Pivot = "/home" }, rows)));
        Is([(1, "/home", "/home", 1), (2, "/home", "/pricing", 1)], Edges(await Run(new PathDefinition { Pivot = "/home", CollapseRepeats = false }, rows)));
    }

    [Fact]
    public async Task A_person_counts_once_per_link_however_many_sessions_take_it()
    {
        List<ScanRow> rows = [Page("p", H(0), "/home"), Page("p", H(0) + M(1), "/pricing"), Page("p", H(5), "/home"), Page("p", H(5) + M(1), "/pricing")];

        var edge = Assert.Single((await Run(new PathDefinition { Pivot = "/home" }, rows)).Edges);

        Assert.Equal((1, 2), (edge.Persons, edge.Paths));
    }

    [Fact]
    public async Task A_path_starts_at_the_first_time_the_pivot_appears_in_a_session()
    {
        List<ScanRow> rows = [Page("p", M(0), "/home"), Page("p", M(1), "/pricing"), Page("p", M(2), "/home"), Page("p", M(3), "/docs")];

        Is([(1, "/home", "/pricing", 1), (2, "/pricing", "/home", 1), (3, "/home", "/docs", 1)], Edges(await Run(new PathDefinition { Pivot = "/home" }, rows)));
    }

    [Fact]
    public async Task Links_beyond_the_top_of_a_step_lead_into_other_and_stop()
    {
        var r = await Run(new PathDefinition { Pivot = "/home", EdgesPerStep = 1 }, Visits());

        Is([(1, "/home", "/pricing", 2), (1, "/home", BreakdownLabels.Other, 1), (2, "/pricing", "/docs", 1), (2, "/pricing", BreakdownLabels.Other, 1)], Edges(r));
    }

    [Fact]
    public async Task Without_a_pivot_paths_start_at_each_sessions_first_event()
    {
        var r = await Run(new PathDefinition { Steps = 1 }, Visits());

        Is([(1, "/home", "/pricing", 2), (1, "/blog", "/home", 1)], Edges(r));
    }

    [Fact]
    public async Task Paths_stop_after_the_requested_number_of_steps()
    {
        var r = await Run(new PathDefinition { Pivot = "/home", Steps = 1 }, Visits());

        Assert.All(r.Edges, e => Assert.Equal(1, e.Step));
    }

    [Fact]
    public async Task Paths_refuse_rows_that_are_not_grouped_by_person()
    {
        List<ScanRow> rows = [Page("p", M(0), "/home"), Page("q", M(0), "/home"), Page("p", M(1), "/pricing")];

        await Assert.ThrowsAsync<InvalidOperationException>(() => PathEngine.RunAsync(new PathDefinition(), rows.AsIs(), CancellationToken.None));
    }

    [Fact]
    public async Task Events_at_the_same_time_are_taken_in_label_order()
    {
        List<ScanRow> one = [Page("p", M(0), "/home"), Page("p", M(1), "/pricing"), Page("p", M(1), "/docs")];
        List<ScanRow> other = [one[0], one[2], one[1]];
        var d = new PathDefinition { Pivot = "/home" };

        var first = Edges(await PathEngine.RunAsync(d, one.AsIs(), CancellationToken.None));
        var second = Edges(await PathEngine.RunAsync(d, other.AsIs(), CancellationToken.None));

        Is([(1, "/home", "/docs", 1), (2, "/docs", "/pricing", 1)], first);
        Is(first, second);
    }
}
