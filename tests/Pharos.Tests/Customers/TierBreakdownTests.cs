using Pharos.Customers.Dashboard;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>The dashboard's tiers by industry and by region add up to the book.</summary>
public abstract class TierBreakdownTests(DemoBook app)
{
    [DbFact]
    public async Task Tiers_by_industry_and_region_add_up_to_the_tier_counts_and_lead_with_revenue()
    {
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var d = await analyst.GetAsync<TierDashboardData>("/api/tiering/dashboard");

        foreach (var breakdown in new[] { d.ByIndustry, d.ByRegion })
        {
            Assert.NotEmpty(breakdown);
            for (var i = 0; i < 4; i++)
                Assert.Equal(d.Tiers.Single(t => t.Tier == (Tier)i).Accounts, breakdown.Sum(b => b.Counts[i]));
            Assert.Equal(d.Revenue, breakdown.Sum(b => b.Revenue));
            Assert.Equal(breakdown.OrderByDescending(b => b.Revenue).Select(b => b.Group), breakdown.Select(b => b.Group));
        }
        Assert.Contains(d.ByRegion, b => b.Group == "华东");
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : TierBreakdownTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : TierBreakdownTests(app), IPostgresSuite;
}
