using Pharos.Analytics.Queries;
using Pharos.Analytics.Store;
using Pharos.Platform.Identity;

namespace Pharos.Analytics.Website;

public static class WebsiteApi
{
    public static RouteGroupBuilder MapWebsiteFunnel(this RouteGroupBuilder api)
    {
        api.MapPost("/analytics/website", async (WebsiteFunnelQuery query, IEventStore store, QueryRunner runner, CancellationToken ct) =>
            {
                QueryRunner.CheckRange(query.From, query.To);
                var q = query with { Top = Math.Clamp(query.Top, 1, 100) };
                return TypedResults.Ok(await runner.RunAsync(t => WebsiteFunnel.RunAsync(store, q, t), ct));
            })
            .RequireAuthorization(Permissions.AnalyticsRead).WithTags("Analytics")
            .WithSummary("The website's funnel from page calls: search keywords and campaigns → landing pages → clicks → bounce rate.");
        return api;
    }
}
