using Pharos.Customers.Dashboard;

namespace Pharos.Tests.Customers;

/// <summary>The 二八 headline: the smallest head of accounts that holds 80% of revenue, over all accounts.</summary>
public sealed class TierDashboardParetoTests
{
    public static TheoryData<decimal[], double, double> Books() => new()
    {
        // Two of ten accounts (zero-revenue ones count as accounts) bring exactly 80%.
        { [50, 30, 10, 5, 3, 2, 0, 0, 0, 0], 20.0, 80.0 },
        // 40 + 30 = 70% is not yet 80%: it takes three of four, which bring 90%.
        { [10, 40, 20, 30], 75.0, 90.0 },
        // Five equal accounts: four of them are the first to reach 80%.
        { [7, 7, 7, 7, 7], 80.0, 80.0 },
        // Three equal accounts: two are 66.7%, all three are needed.
        { [3, 3, 3], 100.0, 100.0 },
        { [100], 100.0, 100.0 },
        // One account of eight holds 80.5%.
        { [805, 100, 50, 20, 10, 10, 5, 0], 12.5, 80.5 },
    };

    [Theory]
    [MemberData(nameof(Books))]
    public void Headline_names_the_top_share_of_accounts_that_brings_80_percent(decimal[] revenues, double topAccountsPercent, double revenuePercent)
    {
        var (_, headline) = TierDashboard.Pareto(revenues);

        Assert.NotNull(headline);
        Assert.Equal(topAccountsPercent, headline.TopAccountsPercent);
        Assert.Equal(revenuePercent, headline.RevenuePercent);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new double[] { 0, 0, 0 })]
    public void No_revenue_has_no_headline_and_no_curve(double[] revenues)
    {
        var (points, headline) = TierDashboard.Pareto(revenues.Select(r => (decimal)r).ToList());

        Assert.Null(headline);
        Assert.Empty(points);
    }

    [Fact]
    public void Curve_rises_to_the_whole_revenue()
    {
        var (points, _) = TierDashboard.Pareto([50m, 30m, 10m, 5m, 3m, 2m, 0m, 0m, 0m, 0m]);

        Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], points.Select(p => Math.Round(p.AccountShare, 6)));
        Assert.Equal([0.5, 0.8, 0.9, 0.95, 0.98, 1.0], points.Select(p => Math.Round(p.RevenueShare, 6)));
        Assert.Equal([50m, 30m, 10m, 5m, 3m, 2m], points.Select(p => p.Revenue));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(150)]
    [InlineData(250)]
    [InlineData(1000)]
    [InlineData(12345)]
    public void Curve_is_thinned_to_at_most_100_points_and_ends_at_the_whole_revenue(int accounts)
    {
        var revenues = Enumerable.Range(1, accounts).Select(i => (decimal)(1_000_000 / i)).ToList();

        var (points, _) = TierDashboard.Pareto(revenues);

        Assert.InRange(points.Count, Math.Min(accounts, 50), 100);
        Assert.Equal(1.0, points[^1].RevenueShare, 9);
        Assert.Equal(1.0, points[^1].AccountShare, 9);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.AccountShare < p.Second.AccountShare && p.First.RevenueShare <= p.Second.RevenueShare));
    }
}
