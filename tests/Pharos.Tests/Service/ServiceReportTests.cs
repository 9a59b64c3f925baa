using System.Globalization;
using System.Net;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Service.Public;
using Pharos.Service.Reports;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>
/// The service reports through HTTP: tickets with known response and resolution times on the fake clock, then exact
/// numbers. Each test moves the clock to a Monday of its own, so it reports on weeks only it has written into.
/// </summary>
public abstract class ServiceReportTests(ServiceDesk app)
{
    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Moves the clock to 09:00 Shanghai on a Monday at least a week ahead and returns that Monday.</summary>
    private DateOnly FreshMonday()
    {
        var monday = ServiceReport.WeekStart(ServiceReport.Day(app.Clock.GetUtcNow()).AddDays(7));
        app.Clock.SetUtcNow(ServiceReport.Midnight(monday).AddHours(9));
        return monday;
    }

    private void Minutes(int n) => app.Clock.Advance(TimeSpan.FromMinutes(n));

    [DbFact]
    public async Task The_report_gives_exact_compliance_volume_times_and_CSAT_for_the_tickets_opened_in_the_range()
    {
        var w = await app.WorldAsync();
        await (await w.Admin.PostJsonAsync($"/api/accounts/{w.B.AccountId}/tier-override", new { tier = "S", reason = "报表测试：关键客户" })).ExpectAsync(HttpStatusCode.OK);
        var m1 = FreshMonday();

        // Week 1, all opened at 09:00 (policies: 60 min first response and 480 min resolution; Low 240 and 960).
        var t1 = await w.Agent.OpenedAsync(w.B.AccountId, "收银台无法打印小票", TicketPriority.Urgent, TicketKind.ProductionProblem);
        var t2 = await w.Agent.OpenedAsync(w.B.AccountId, "如何配置会员折扣", TicketPriority.Urgent, TicketKind.OperationQuestion);
        var t3 = await w.Agent.OpenedAsync(w.A.AccountId, "怎么批量导入商品", TicketPriority.Normal, TicketKind.OperationQuestion);
        var t4 = await w.Agent.OpenedAsync(w.A.AccountId, "新增子账号", TicketPriority.Low, TicketKind.Account);
        Assert.Equal((Tier.S, Tier.C), (t1.Tier, t3.Tier));
        Minutes(10);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t3.Id}", "请看帮助中心的导入说明。")).ExpectAsync(HttpStatusCode.OK);              // 10 min: met
        Minutes(20);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t1.Id}", "已收到，正在排查。")).ExpectAsync(HttpStatusCode.OK);                  // 30 min: met
        Minutes(60);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t2.Id}", "在「会员-折扣」中设置。")).ExpectAsync(HttpStatusCode.OK);              // 90 min: missed
        Minutes(60);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t1.Id}", "已修复。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK); // resolved at 150: met
        Minutes(450);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t2.Id}", "已处理。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK); // resolved at 600: missed
        Minutes(1);
        await (await w.B.Admin.PostJsonAsync($"/api/portal/tickets/{t1.Id}/rating", new RatingInput(5, "很快"))).ExpectAsync(HttpStatusCode.OK);
        Minutes(1);
        await (await w.B.Admin.PostJsonAsync($"/api/portal/tickets/{t2.Id}/rating", new RatingInput(2, "太慢"))).ExpectAsync(HttpStatusCode.OK);
        // t3 stays open past its resolution due time, t4 past both of its: missed, though no verdict is stored.

        // Week 2.
        var m2 = m1.AddDays(7);
        app.Clock.SetUtcNow(ServiceReport.Midnight(m2).AddHours(9));
        var t5 = await w.Agent.OpenedAsync(w.A.AccountId, "发票抬头开错了", TicketPriority.Normal, TicketKind.Finance);
        Minutes(20);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t5.Id}", "请提供正确抬头。")).ExpectAsync(HttpStatusCode.OK);                    // 20 min: met
        Minutes(280);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t5.Id}", "已重开发票。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK); // 300 min: met
        var t6 = await w.Agent.OpenedAsync(w.A.AccountId, "接口偶发返回 502", TicketPriority.High, TicketKind.ProductionProblem);   // its targets still run
        Minutes(1);
        await (await w.A.Admin.PostJsonAsync($"/api/portal/tickets/{t5.Id}/rating", new RatingInput(4, null))).ExpectAsync(HttpStatusCode.OK);

        var range = $"from={Iso(m1)}&to={Iso(m1.AddDays(14))}";
        var r = await w.Agent.GetAsync<ServiceReportData>("/api/service/reports?" + range);

        Assert.Equal((m1, m1.AddDays(14), "Asia/Shanghai", app.Clock.GetUtcNow()), (r.From, r.To, r.TimeZone, r.AsOf));
        Assert.Equal(6, r.Tickets);

        // Compliance: (tickets, first response met/missed, % , resolution met/missed, %).
        static object Row(ComplianceCell c) => (c.Tickets, c.FirstResponse.Met, c.FirstResponse.Missed, c.FirstResponse.Percent, c.Resolution.Met, c.Resolution.Missed, c.Resolution.Percent);
        ComplianceCell Cell(Tier t, TicketPriority p) => r.Compliance.Cells.Single(c => c.Tier == t && c.Priority == p);
        Assert.Equal(16, r.Compliance.Cells.Count);
        Assert.Equal((2, 1, 1, (double?)50.0, 1, 1, (double?)50.0), Row(Cell(Tier.S, TicketPriority.Urgent)));
        Assert.Equal((2, 2, 0, (double?)100.0, 1, 1, (double?)50.0), Row(Cell(Tier.C, TicketPriority.Normal)));
        Assert.Equal((1, 0, 1, (double?)0.0, 0, 1, (double?)0.0), Row(Cell(Tier.C, TicketPriority.Low)));
        Assert.Equal((1, 0, 0, (double?)null, 0, 0, (double?)null), Row(Cell(Tier.C, TicketPriority.High)));
        Assert.Equal(0, r.Compliance.Cells.Where(c => c.Tier is Tier.A or Tier.B).Sum(c => c.Tickets));
        Assert.Equal((2, 1, 1, (double?)50.0, 1, 1, (double?)50.0), Row(r.Compliance.ByTier.Single(c => c.Tier == Tier.S)));
        Assert.Equal((4, 2, 1, (double?)66.7, 1, 2, (double?)33.3), Row(r.Compliance.ByTier.Single(c => c.Tier == Tier.C)));
        Assert.Equal((2, 2, 0, (double?)100.0, 1, 1, (double?)50.0), Row(r.Compliance.ByPriority.Single(c => c.Priority == TicketPriority.Normal)));
        Assert.Equal((6, 3, 2, (double?)60.0, 2, 3, (double?)40.0), Row(r.Compliance.Total));

        // Volume: two ISO weeks starting on the Mondays, every kind listed.
        Assert.Equal([m1, m2], r.Volume.Select(v => v.WeekStart));
        Assert.Equal(ISOWeek.GetWeekOfYear(m1.ToDateTime(TimeOnly.MinValue)), r.Volume[0].IsoWeek);
        Assert.Equal(Enum.GetValues<TicketKind>(), r.Volume[0].ByKind.Keys.Order());
        Assert.Equal((4, 1, 2, 1, 0), (r.Volume[0].Total, r.Volume[0].ByKind[TicketKind.ProductionProblem], r.Volume[0].ByKind[TicketKind.OperationQuestion],
            r.Volume[0].ByKind[TicketKind.Account], r.Volume[0].ByKind[TicketKind.Finance]));
        Assert.Equal((2, 1, 1, 0), (r.Volume[1].Total, r.Volume[1].ByKind[TicketKind.Finance], r.Volume[1].ByKind[TicketKind.ProductionProblem],
            r.Volume[1].ByKind[TicketKind.OperationQuestion]));

        // Times in elapsed minutes, percentiles by linear interpolation.
        static object P(TimePercentiles t) => (t.Tickets, t.P50, t.P90, t.P95);
        TimePercentiles First(TicketPriority? p) => r.FirstResponseTimes.Single(t => t.Priority == p);
        TimePercentiles Resolution(TicketPriority? p) => r.ResolutionTimes.Single(t => t.Priority == p);
        Assert.Equal((2, (double?)60, (double?)84, (double?)87), P(First(TicketPriority.Urgent)));
        Assert.Equal((2, (double?)15, (double?)19, (double?)19.5), P(First(TicketPriority.Normal)));
        Assert.Equal((0, (double?)null, (double?)null, (double?)null), P(First(TicketPriority.High)));
        Assert.Equal((0, (double?)null, (double?)null, (double?)null), P(First(TicketPriority.Low)));
        Assert.Equal((4, (double?)25, (double?)72, (double?)81), P(First(null)));
        Assert.Equal((2, (double?)375, (double?)555, (double?)577.5), P(Resolution(TicketPriority.Urgent)));
        Assert.Equal((1, (double?)300, (double?)300, (double?)300), P(Resolution(TicketPriority.Normal)));
        Assert.Equal((3, (double?)300, (double?)540, (double?)570), P(Resolution(null)));

        // CSAT: 5, 2 (tier S) and 4 (tier C).
        static object C(CsatSummary s) => (s.Ratings, s.Average, string.Join(",", s.Distribution), s.SatisfiedPercent);
        Assert.Equal((3, (double?)3.67, "0,1,0,1,1", (double?)66.7), C(r.Csat.Overall));
        Assert.Equal((2, (double?)3.5, "0,1,0,0,1", (double?)50.0), C(r.Csat.ByTier.Single(s => s.Tier == Tier.S)));
        Assert.Equal((1, (double?)4.0, "0,0,0,1,0", (double?)100.0), C(r.Csat.ByTier.Single(s => s.Tier == Tier.C)));
        Assert.Equal((0, (double?)null), (r.Csat.ByTier.Single(s => s.Tier == Tier.A).Ratings, r.Csat.ByTier.Single(s => s.Tier == Tier.A).Average));
        Assert.Equal([(t2.Number, 2, "太慢"), (t1.Number, 5, "很快")], r.Csat.Latest.Select(c => (c.Number, c.Score, c.Comment)));

        // Filters.
        var s = await w.Agent.GetAsync<ServiceReportData>($"/api/service/reports?{range}&tier=S");
        Assert.Equal((2, 4, 2, 0), (s.Tickets, s.Compliance.Cells.Count, s.Volume[0].Total, s.Volume[1].Total));
        Assert.Equal([Tier.S], s.Tiers);
        var questions = await w.Agent.GetAsync<ServiceReportData>($"/api/service/reports?{range}&kind=OperationQuestion");
        Assert.Equal((2, 2), (questions.Tickets, questions.Volume[0].ByKind[TicketKind.OperationQuestion]));
        Assert.Equal([TicketKind.OperationQuestion], questions.Volume[0].ByKind.Keys);
        var bugs = await w.Agent.GetAsync<ServiceReportData>($"/api/service/reports?{range}&tier=S,C&kind=ProductionProblem");
        Assert.Equal(2, bugs.Tickets); // t1 and t6
        var secondWeek = await w.Agent.GetAsync<ServiceReportData>($"/api/service/reports?from={Iso(m2)}&to={Iso(m2.AddDays(1))}");
        Assert.Equal((2, 1), (secondWeek.Tickets, secondWeek.Volume.Count));

        // Without a range: the last eight full weeks, ending with the Monday of this week.
        var byDefault = await w.Agent.GetAsync<ServiceReportData>("/api/service/reports");
        Assert.Equal((m2.AddDays(-56), m2), (byDefault.From, byDefault.To));

        // The compliance table as CSV, with a BOM for Excel.
        var export = await w.Agent.GetAsync($"/api/service/reports/export?{range}&format=csv");
        await export.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("tier,priority,tickets,first_response_met,first_response_missed,first_response_met_percent,resolution_met,resolution_missed,resolution_met_percent", lines[0]);
        Assert.Contains("S,Urgent,2,1,1,50.0,1,1,50.0", lines);
        Assert.Contains("C,High,1,0,0,,0,0,", lines);
        Assert.Equal("all,all,6,3,2,60.0,2,3,40.0", lines[^1]);
        Assert.Equal(1 + 16 + 4 + 4 + 1, lines.Length);
    }

    [DbFact]
    public async Task A_bad_range_or_filter_is_a_400_naming_the_field()
    {
        var w = await app.WorldAsync();

        async Task Bad(string query, string field) =>
            await (await w.Agent.GetAsync("/api/service/reports?" + query)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        await Bad("from=2026-07-10&to=2026-07-01", "to");
        await Bad("from=2026-07-10&to=2026-07-10", "to");
        await Bad("from=2026-01-01&to=2027-01-03", "to"); // 367 days
        await Bad("from=2026-02-30&to=2026-03-10", "from");
        await Bad("from=2026-03-01&to=next-week", "to");
        await Bad("from=2099-01-01", "from"); // alone, it runs up to today
        await Bad("tier=X", "tier");
        await Bad("kind=Bug", "kind");
        await (await w.Agent.GetAsync("/api/service/reports/export?format=xlsx")).ExpectProblemAsync(HttpStatusCode.BadRequest, "format");

        await (await w.Agent.GetAsync("/api/service/reports?from=2026-01-01&to=2027-01-02")).ExpectAsync(HttpStatusCode.OK); // 366 days
    }

    [DbFact]
    public async Task Only_roles_with_service_reports_may_read_them()
    {
        var w = await app.WorldAsync();
        var sales = await app.ClientForRoleAsync(Roles.Sales);
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);

        await (await sales.GetAsync("/api/service/reports")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await sales.GetAsync("/api/service/reports/export?format=csv")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.A.Admin.GetAsync("/api/service/reports")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await analyst.GetAsync("/api/service/reports")).ExpectAsync(HttpStatusCode.OK);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : ServiceReportTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : ServiceReportTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}

/// <summary>The percentile is type 7 (R's default, NumPy's default, Excel's PERCENTILE.INC): pinned to values those tools give.</summary>
public sealed class ServiceReportPercentileTests
{
    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.5, 5.5)]   // R: quantile(1:10, .5)
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9.1)]   // R: quantile(1:10, .9)
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.95, 9.55)] // R: quantile(1:10, .95)
    [InlineData(new double[] { 1, 3, 2, 4 }, 0.3, 1.9)]                      // Excel's documentation: PERCENTILE.INC({1,3,2,4}, 0.3)
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0.4, 29)]               // Wikipedia, "Percentile", the C = 1 variant
    [InlineData(new double[] { 50, 15, 40, 20, 35 }, 0.0, 15)]
    [InlineData(new double[] { 50, 15, 40, 20, 35 }, 1.0, 50)]
    [InlineData(new double[] { 42 }, 0.9, 42)]
    [InlineData(new double[] { 7, 7, 7 }, 0.95, 7)]
    public void Percentiles_interpolate_linearly_between_closest_ranks(double[] values, double p, double expected) =>
        Assert.Equal(expected, Percentile.Of(values, p)!.Value, precision: 10);

    [Fact]
    public void There_is_no_percentile_of_nothing_and_p_lies_between_0_and_1()
    {
        Assert.Null(Percentile.Of([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1.0], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1.0], -0.1));
    }

    [Fact]
    public void Weeks_start_at_midnight_on_Monday_in_Shanghai()
    {
        // Sunday 23:30 and Monday 00:10 in Shanghai are 15:30 and 16:10 UTC on the Sunday.
        var sundayNight = new DateTimeOffset(2026, 6, 7, 15, 30, 0, TimeSpan.Zero);
        var mondayMorning = new DateTimeOffset(2026, 6, 7, 16, 10, 0, TimeSpan.Zero);
        var rows = new[] { sundayNight, mondayMorning, mondayMorning }
            .Select(at => new ServiceReport.TicketTimes(TicketKind.Account, TicketPriority.Normal, at, null, null)).ToList();

        var weeks = ServiceReport.Volume(rows, new DateOnly(2026, 6, 3), new DateOnly(2026, 6, 10), [TicketKind.Account]);

        Assert.Equal([(new DateOnly(2026, 6, 1), 23, 1), (new DateOnly(2026, 6, 8), 24, 2)], weeks.Select(w => (w.WeekStart, w.IsoWeek, w.Total)));
    }
}
