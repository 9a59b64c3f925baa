using System.Net;
using Pharos.Analytics.Website;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>Keyword → landing page → click → bounce, from page calls as analytics.js sends them.</summary>
public abstract class WebsiteFunnelTests(PharosApp app)
{
    private static Dictionary<string, object?> Page(string anon, string path, DateTimeOffset at, string? term = null, string? referrer = null, string? source = null) => new()
    {
        ["type"] = "page", ["anonymousId"] = anon, ["name"] = path, ["timestamp"] = at.ToString("O"), ["messageId"] = Guid.NewGuid().ToString(),
        ["properties"] = new Dictionary<string, object?> { ["path"] = path, ["url"] = "https://www.example.cn" + path, ["referrer"] = referrer },
        ["context"] = new Dictionary<string, object?> { ["campaign"] = term is null ? null : new { term, source = source ?? "baidu", name = "双11", medium = "cpc" } },
    };

    private static Dictionary<string, object?> Click(string anon, DateTimeOffset at) => new()
    {
        ["type"] = "track", ["anonymousId"] = anon, ["event"] = "CTA Clicked", ["timestamp"] = at.ToString("O"), ["messageId"] = Guid.NewGuid().ToString(),
        ["properties"] = new { cta = "申请试用" },
    };

    [DbFact]
    public async Task Visits_are_grouped_by_keyword_with_their_landing_page_clicks_and_bounces()
    {
        var s = await Segment.CreateAsync(app);
        var t = DateTimeOffset.UtcNow.AddDays(-1);
        var a = Http.Unique("a"); var b = Http.Unique("b"); var c = Http.Unique("c"); var d = Http.Unique("d");
        await (await s.BatchAsync(
            // a: from a paid keyword, clicks "申请试用"
            Page(a, "/features/tickets", t, term: "工单系统 SLA"), Click(a, t.AddMinutes(1)),
            // b: same keyword, bounces; comes back two hours later from a Baidu search (a new visit)
            Page(b, "/features/tickets", t, term: "工单系统 SLA"),
            Page(b, "/pricing", t.AddHours(2), referrer: "https://www.baidu.com/s?wd=%E5%AE%A2%E6%88%B7%E6%88%90%E5%8A%9F%E7%AE%A1%E7%90%86"), Page(b, "/", t.AddHours(2).AddMinutes(3)),
            // c: direct visit, bounces
            Page(c, "/", t),
            // d: product events only: no website visit
            Segment.Track(d, "Signed In", at: t))).ExpectAsync(HttpStatusCode.OK);

        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var result = await (await analyst.PostJsonAsync("/api/analytics/website", new WebsiteFunnelQuery { From = t.AddHours(-1), To = t.AddHours(3), Sources = [s.Source.Id], ClickEvent = "CTA Clicked" }))
            .ReadAsync<WebsiteFunnelResult>();
        Assert.Equal(4, result.Sessions);
        Assert.Equal(1, result.Clicked);
        Assert.Equal(2, result.Bounced);
        var paid = Assert.Single(result.Keywords, k => k.Key == "工单系统 SLA");
        Assert.Equal((2, 1, 1, "/features/tickets"), (paid.Sessions, paid.Clicked, paid.Bounced, paid.TopLandingPage));
        var organic = Assert.Single(result.Keywords, k => k.Key == "客户成功管理");
        Assert.Equal((1, 0, 0, "/pricing"), (organic.Sessions, organic.Clicked, organic.Bounced, organic.TopLandingPage));
        Assert.Contains(result.Channels, ch => ch.Key == "www.baidu.com" && ch.Sessions == 1);
        Assert.Contains(result.Channels, ch => ch.Key == WebsiteFunnel.Direct && ch.Sessions == 1);
        Assert.Contains(result.Flows, f => f is { Keyword: "工单系统 SLA", LandingPage: "/features/tickets", Outcome: "clicked", Sessions: 1 });

        await (await analyst.PostJsonAsync("/api/analytics/website", new WebsiteFunnelQuery { From = t, To = t.AddDays(-1) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "to");
        var support = await app.ClientForRoleAsync(Roles.Support);
        await (await support.PostJsonAsync("/api/analytics/website", new WebsiteFunnelQuery { From = t, To = t.AddDays(1) })).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public void Search_keywords_come_from_utm_terms_or_the_search_engines_query()
    {
        Assert.Equal("工单", WebsiteFunnel.Keyword("工单", "https://www.baidu.com/s?wd=x"));
        Assert.Equal("客户分层", WebsiteFunnel.Keyword(null, "https://www.baidu.com/s?wd=%E5%AE%A2%E6%88%B7%E5%88%86%E5%B1%82"));
        Assert.Equal("sla", WebsiteFunnel.Keyword(null, "https://m.baidu.com/s?word=sla"));
        Assert.Equal("crm", WebsiteFunnel.Keyword(null, "https://www.sogou.com/web?query=crm"));
        Assert.Equal("b2b", WebsiteFunnel.Keyword(null, "https://www.so.com/s?q=b2b"));
        Assert.Equal(WebsiteFunnel.None, WebsiteFunnel.Keyword(null, "https://mp.weixin.qq.com/s/abc"));
        Assert.Equal(WebsiteFunnel.None, WebsiteFunnel.Keyword(null, "not a url"));
        Assert.Equal("wechat", WebsiteFunnel.Channel("wechat", "https://x.cn"));
        Assert.Equal("mp.weixin.qq.com", WebsiteFunnel.Channel(null, "https://mp.weixin.qq.com/s/abc"));
        Assert.Equal(WebsiteFunnel.Direct, WebsiteFunnel.Channel(null, null));
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : WebsiteFunnelTests(app), IClassFixture<EmptyBookOnSqlite>;
    public sealed class Postgres(EmptyBookOnPostgres app) : WebsiteFunnelTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
