using System.Net;
using System.Text;
using System.Text.Json;
using Pharos.Analytics.Funnels;
using Pharos.Analytics.Insights;
using Pharos.Analytics.Paths;
using Pharos.Analytics.Queries;
using Pharos.Analytics.Retention;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>
/// The questions of issue 5 asked over HTTP, on events sent through the Segment API. The same class runs on DuckDB
/// and on PostgreSQL with the same expected numbers: the shared suite that proves both stores answer alike.
/// </summary>
public abstract class QueryApiTests(PharosApp app)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero); // Monday 10:00 in Shanghai

    private static Dictionary<string, object?> At(string user, string @event, double hours, object? props = null, string? run = null) =>
        Segment.Track(user, @event, props ?? new { run }, T0.AddHours(hours), messageId: Guid.NewGuid().ToString());

    /// <summary>
    /// The research toy (docs/research/issue-5-analytics.md §5): u1 converts with noise; u2 exports the wrong format;
    /// u3 creates after 20 days; u4 does the steps in the wrong order; u5's first try times out and a second converts;
    /// u6 never signs up. Expected 5 / 3 / 2 people.
    /// </summary>
    private async Task<string> ToyAsync(Segment s)
    {
        var r = Http.Unique("run");
        string U(int i) => $"{r}-u{i}";
        object Csv() => new { format = "csv", run = r };
        await (await s.BatchAsync(
            At(U(1), "Signed Up", 0, run: r), At(U(1), "Noise", 1, run: r), At(U(1), "Report Created", 24, run: r), At(U(1), "Report Exported", 26, Csv()),
            At(U(2), "Signed Up", 0, run: r), At(U(2), "Report Created", 24, run: r), At(U(2), "Report Exported", 25, new { format = "pdf", run = r }),
            At(U(3), "Signed Up", 0, run: r), At(U(3), "Report Created", 24 * 20, run: r), At(U(3), "Report Exported", 24 * 20 + 1, Csv()),
            At(U(4), "Report Created", 0, run: r), At(U(4), "Signed Up", 1, run: r), At(U(4), "Report Exported", 2, Csv()),
            At(U(5), "Signed Up", 0, run: r), At(U(5), "Report Created", 24 * 15, run: r), At(U(5), "Signed Up", 24 * 16, run: r),
            At(U(5), "Report Created", 24 * 17, run: r), At(U(5), "Report Exported", 24 * 17 + 37, Csv()),
            At(U(6), "Report Created", 0, run: r))).ExpectAsync(HttpStatusCode.OK);
        return r;
    }

    private static FunnelRequest Funnel(string run, FunnelOrder order = FunnelOrder.Sequential) => new()
    {
        From = T0.AddDays(-1), To = T0.AddDays(40), Order = order,
        Steps = [new("Signed Up"), new("Report Created"), new("Report Exported", [new PropertyFilter("format", FilterOp.Equals, "csv")])],
        Filters = new QueryFilters([new PropertyFilter("run", FilterOp.Equals, run)]),
    };

    [DbFact]
    public async Task A_three_step_funnel_counts_five_three_two_people_with_median_times_and_lists_who_dropped()
    {
        var s = await Segment.CreateAsync(app);
        var run = await ToyAsync(s);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var result = await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run))).ReadAsync<FunnelResult>();
        Assert.Equal([5, 3, 2], result.Total.Steps.Select(x => x.Count));
        Assert.Equal([100.0, 60.0, 40.0], result.Total.Steps.Select(x => x.ConversionFromFirst));
        Assert.Equal(86_400, result.Total.Steps[1].MedianSecondsFromPrevious);
        Assert.Equal(2, result.Total.Steps[1].DroppedOff);

        var dropped = await (await analyst.PostJsonAsync("/api/analytics/funnels/units", new FunnelUnitsRequest(Funnel(run), 2, true, null, null))).ReadAsync<FunnelUnits>();
        Assert.Equal([$"{run}-u3", $"{run}-u4"], dropped.Units);
        var csv = await analyst.PostJsonAsync("/api/analytics/funnels/units?format=csv", new FunnelUnitsRequest(Funnel(run), 3, false, null, null));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"person\n{run}-u1\n{run}-u5\n", (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        var q = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new FunnelUnitsRequest(Funnel(run), 3, true, null, null), Http.Json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Contains($"{run}-u2", await analyst.GetStringAsync($"/api/analytics/funnels/units.csv?q={q}"));
    }

    [DbFact]
    public async Task Strict_order_and_any_order_change_the_answer_as_documented()
    {
        var s = await Segment.CreateAsync(app);
        var run = await ToyAsync(s);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        // Strict: u1's noise between sign-up and report breaks the chain; u5's second try has nothing in between.
        var strict = await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run, FunnelOrder.Strict))).ReadAsync<FunnelResult>();
        // u1 1, u2 2 (pdf is no step 3), u3 1, u4 1, u5 3.
        Assert.Equal([5, 2, 1], strict.Total.Steps.Select(x => x.Count));
        // Any order: step k is "k of the steps". u6's lone report counts as one; u4 (report, sign-up, export within
        // two hours) converts; u3's report and export on day 20 are two.
        var any = await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run, FunnelOrder.AnyOrder))).ReadAsync<FunnelResult>();
        Assert.Equal([6, 5, 3], any.Total.Steps.Select(x => x.Count));
    }

    [DbFact]
    public async Task Funnels_count_accounts_and_break_down_by_tier()
    {
        var s = await Segment.CreateAsync(app);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var run = Http.Unique("run");
        var acme = Http.Unique("CRM");
        await (await admin.PostJsonAsync("/api/accounts", new { name = Http.Unique("漏斗客户"), externalId = acme, industry = "零售", region = "华南" })).ExpectAsync(HttpStatusCode.Created);
        await (await s.BatchAsync(
            Segment.Group($"{run}-a", acme), Segment.Group($"{run}-b", acme),
            At($"{run}-a", "Signed Up", 0, run: run), At($"{run}-b", "Report Created", 2, run: run), At($"{run}-b", "Report Exported", 3, new { format = "csv", run }),
            At($"{run}-c", "Signed Up", 0, run: run))).ExpectAsync(HttpStatusCode.OK);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        // By account: a's sign-up and b's report and export belong to one account, which converts.
        var byAccount = await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { CountBy = CountBy.Account })).ReadAsync<FunnelResult>();
        Assert.Equal([1, 1, 1], byAccount.Total.Steps.Select(x => x.Count));
        var byTier = await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { Breakdown = new Breakdown(AccountField: AccountField.Tier) })).ReadAsync<FunnelResult>();
        Assert.Equal(2, byTier.Total.Steps[0].Count);
        Assert.Contains(byTier.Breakdowns, b => b.Breakdown is "S" or "A" or "B" or "C" && b.Steps[0].Count == 1);
        Assert.Contains(byTier.Breakdowns, b => b.Breakdown == BreakdownLabels.None && b.Steps[0].Count == 1);
    }

    [DbFact]
    public async Task Retention_paths_and_trends_answer_over_the_same_events()
    {
        var s = await Segment.CreateAsync(app);
        var run = Http.Unique("run");
        // Week 0: three sign up; week 1: two return; week 2: one returns. A fourth signed up a month before the
        // range and again in it: no new user, so in no first-time cohort.
        await (await s.BatchAsync(
            At($"{run}-old", "Signed Up", -24 * 30, run: run), At($"{run}-old", "Signed Up", 3, run: run),
            At($"{run}-1", "Signed Up", 0, run: run), At($"{run}-2", "Signed Up", 1, run: run), At($"{run}-3", "Signed Up", 2, run: run),
            At($"{run}-1", "Report Created", 24 * 7 + 1, run: run), At($"{run}-1", "Report Exported", 24 * 7 + 1.1, run: run),
            At($"{run}-2", "Report Created", 24 * 8, run: run), At($"{run}-2", "Dashboard Viewed", 24 * 8 + 0.1, run: run),
            At($"{run}-1", "Report Created", 24 * 14 + 1, run: run))).ExpectAsync(HttpStatusCode.OK);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var filters = new QueryFilters([new PropertyFilter("run", FilterOp.Equals, run)]);

        var retention = await (await analyst.PostJsonAsync("/api/analytics/retention", new RetentionRequest
        {
            From = T0.AddDays(-1), To = T0.AddDays(6), StartEvent = new("Signed Up"), ReturnEvent = new("Report Created"), Periods = 3, Filters = filters,
        })).ReadAsync<RetentionResult>();
        var cohort = Assert.Single(retention.Cohorts, c => c.Size > 0);
        Assert.Equal(3, cohort.Size);
        Assert.Equal([3, 2, 1], cohort.Periods.Take(3).Select(p => p.Count ?? -1));

        var paths = await (await analyst.PostJsonAsync("/api/analytics/paths", new PathsRequest { From = T0.AddDays(-1), To = T0.AddDays(30), Pivot = "Report Created", Steps = 2, Filters = filters }))
            .ReadAsync<PathResult>();
        Assert.Contains(paths.Edges, e => e.Step == 1 && e.From == "Report Created" && e.To == "Report Exported" && e.Persons == 1);
        Assert.Contains(paths.Edges, e => e.Step == 1 && e.From == "Report Created" && e.To == "Dashboard Viewed" && e.Persons == 1);

        var trend = await (await analyst.PostJsonAsync("/api/analytics/trends", new TrendRequest
        {
            From = T0.AddDays(-1), To = T0.AddDays(20), Series = [new("Report Created")], Interval = TimeInterval.Week, Measure = TrendMeasure.UniquePersons, Filters = filters,
        })).ReadAsync<TrendResult>();
        // Weeks start on Monday in Shanghai: the range opens on Sunday 1 March, so T0's week is the second bucket.
        Assert.Equal(new DateOnly(2026, 2, 23), trend.Buckets[0]);
        Assert.Equal([0, 0, 2, 1], trend.Series.Single().Values.Take(4));
    }

    [DbFact]
    public async Task Hostile_names_in_query_filters_are_data_and_bad_queries_name_their_field()
    {
        var s = await Segment.CreateAsync(app);
        var run = await ToyAsync(s);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var hostile = new[] { "x'); DROP TABLE events; --", "\"quoted\"", "名称/~0", new string('长', 5000) };
        foreach (var h in hostile)
        {
            var r = Funnel(run) with { Filters = new QueryFilters([new PropertyFilter("run", FilterOp.Equals, run), new PropertyFilter(h.Length > 200 ? "run" : h, FilterOp.NotEquals, h)]) };
            var result = await (await analyst.PostJsonAsync("/api/analytics/funnels", r)).ReadAsync<FunnelResult>();
            Assert.Equal(5, result.Total.Steps[0].Count);
        }
        await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { Steps = [new("Signed Up")] })).ExpectProblemAsync(HttpStatusCode.BadRequest, "steps");
        await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { Steps = [new("Signed Up"), new("")] })).ExpectProblemAsync(HttpStatusCode.BadRequest, "steps[1]");
        await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { To = T0.AddDays(-5) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { Filters = new QueryFilters([new PropertyFilter("n", FilterOp.GreaterThan, "abc")]) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "filters");
        await (await analyst.PostJsonAsync("/api/analytics/funnels", Funnel(run) with { Filters = new QueryFilters([new PropertyFilter(new string('p', 201), FilterOp.IsSet)]) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "filters");
        await (await analyst.PostAsync("/api/analytics/funnels", new StringContent("{\"steps\": 5}", Encoding.UTF8, "application/json"))).ExpectAsync(HttpStatusCode.BadRequest);

        var support = await app.ClientForRoleAsync(Roles.Support);
        foreach (var url in new[] { "/api/analytics/funnels", "/api/analytics/retention", "/api/analytics/paths", "/api/analytics/trends" })
            await (await support.PostJsonAsync(url, new { })).ExpectAsync(HttpStatusCode.Forbidden);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        await (await admin.PostJsonAsync("/api/accounts", new { name = Http.Unique("门户客户"), industry = "零售", region = "华南" })).ExpectAsync(HttpStatusCode.Created);
        var (_, portal) = await app.PortalUserAsync();
        await (await portal.PostJsonAsync("/api/analytics/funnels", Funnel(run))).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [DbFact]
    public async Task An_insight_is_saved_pinned_to_a_team_dashboard_and_only_its_author_or_an_admin_changes_it()
    {
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var definition = JsonSerializer.SerializeToElement(Funnel("r"), Http.Json);
        var saved = await (await analyst.PostJsonAsync("/api/analytics/insights", new InsightInput("注册到导出转化", InsightKind.Funnel, definition, Roles.Operations)))
            .ReadAsync<InsightRow>(HttpStatusCode.Created);
        var dashboard = await analyst.GetAsync<List<InsightRow>>($"/api/analytics/insights?team={Roles.Operations}");
        Assert.Contains(dashboard, i => i.Id == saved.Id);
        await (await analyst.PostJsonAsync("/api/analytics/insights", new InsightInput("坏的", InsightKind.Funnel, JsonSerializer.SerializeToElement(new { steps = Array.Empty<object>(), from = T0, to = T0.AddDays(1) }), null)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "steps");
        await (await analyst.PostJsonAsync("/api/analytics/insights", new InsightInput("", InsightKind.Funnel, definition, null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await analyst.PostJsonAsync("/api/analytics/insights", new InsightInput("x", InsightKind.Funnel, definition, "Portal"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "team");

        var pm = await app.ClientForRoleAsync(Roles.ProductManager);
        await (await pm.DeleteAsync($"/api/analytics/insights/{saved.Id}")).ExpectAsync(HttpStatusCode.Conflict);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        await (await admin.DeleteAsync($"/api/analytics/insights/{saved.Id}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain(await analyst.GetAsync<List<InsightRow>>("/api/analytics/insights"), i => i.Id == saved.Id);
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : QueryApiTests(app), IClassFixture<EmptyBookOnSqlite>;
    public sealed class Postgres(EmptyBookOnPostgres app) : QueryApiTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
