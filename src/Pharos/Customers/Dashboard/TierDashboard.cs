using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Platform.Data;

namespace Pharos.Customers.Dashboard;

public sealed record TierSlice(Tier Tier, int Accounts, decimal Revenue, double AccountShare, double RevenueShare);
/// <summary>One point of the Pareto curve: after the top <see cref="AccountShare"/> of accounts, <see cref="RevenueShare"/> of revenue.</summary>
public sealed record ParetoPoint(double AccountShare, double RevenueShare, decimal Revenue);
/// <summary>"The top <see cref="TopAccountsPercent"/>% of accounts bring <see cref="RevenuePercent"/>% of revenue."</summary>
public sealed record ParetoHeadline(double TopAccountsPercent, double RevenuePercent);
/// <summary>How many accounts of each tier a group (an industry, a region) holds, in S, A, B, C order.</summary>
public sealed record TierBreakdown(string Group, int[] Counts, decimal Revenue);
public sealed record TierDashboardData(int Accounts, decimal Revenue, string Currency, IReadOnlyList<TierSlice> Tiers, IReadOnlyList<ParetoPoint> Pareto, ParetoHeadline? Headline, int Overridden,
    IReadOnlyList<TierBreakdown> ByIndustry, IReadOnlyList<TierBreakdown> ByRegion);

public static class TierDashboard
{
    /// <summary>The revenue share the headline is about: the 80 of 二八原则.</summary>
    public const double HeadlineRevenueShare = 0.8;
    private const int MaxPoints = 100;

    public static async Task<TierDashboardData> LoadAsync(PharosDb db, CancellationToken ct)
    {
        var rows = await db.Set<Account>().AsNoTracking().Select(a => new { a.Tier, a.AnnualContractValue, Overridden = a.OverrideTier != null, a.Industry, a.Region }).ToListAsync(ct);
        var revenues = rows.Select(r => r.AnnualContractValue).ToList();
        var total = revenues.Sum();
        var tiers = Enum.GetValues<Tier>().Select(t =>
        {
            var inTier = rows.Where(r => r.Tier == t).ToList();
            var rev = inTier.Sum(r => r.AnnualContractValue);
            return new TierSlice(t, inTier.Count, rev, rows.Count == 0 ? 0 : (double)inTier.Count / rows.Count, total == 0 ? 0 : (double)(rev / total));
        }).ToList();
        var (points, headline) = Pareto(revenues);
        var byIndustry = Breakdown(rows.GroupBy(r => r.Industry, r => (r.Tier, Revenue: r.AnnualContractValue)));
        var byRegion = Breakdown(rows.GroupBy(r => r.Region, r => (r.Tier, Revenue: r.AnnualContractValue)));
        return new TierDashboardData(rows.Count, total, "CNY", tiers, points, headline, rows.Count(r => r.Overridden), byIndustry, byRegion);
    }

    /// <summary>Tier counts per group, the groups with the most revenue first.</summary>
    private static List<TierBreakdown> Breakdown(IEnumerable<IGrouping<string, (Tier Tier, decimal Revenue)>> groups) => groups
        .Select(g => new TierBreakdown(g.Key, Enum.GetValues<Tier>().Select(t => g.Count(x => x.Tier == t)).ToArray(), g.Sum(x => x.Revenue)))
        .OrderByDescending(b => b.Revenue).ToList();

    /// <summary>The Pareto curve, thinned to at most 100 points, and the smallest head of accounts holding 80% of revenue.</summary>
    public static (IReadOnlyList<ParetoPoint> Points, ParetoHeadline? Headline) Pareto(IReadOnlyCollection<decimal> revenues)
    {
        var sorted = revenues.Where(r => r > 0).OrderByDescending(r => r).ToList();
        var total = sorted.Sum();
        var n = revenues.Count;
        if (n == 0 || total == 0) return ([], null);
        var points = new List<ParetoPoint>();
        ParetoHeadline? headline = null;
        decimal cumulative = 0;
        // Round the step up: n / MaxPoints rounded down gave up to 2× too many points (150 accounts → 150, 12,345 → 101).
        var step = Math.Max(1, (n + MaxPoints - 1) / MaxPoints);
        for (var i = 0; i < sorted.Count; i++)
        {
            cumulative += sorted[i];
            var share = (double)(cumulative / total);
            var accountShare = (double)(i + 1) / n;
            if (headline is null && share >= HeadlineRevenueShare - 1e-12)
                headline = new ParetoHeadline(Math.Round(accountShare * 100, 1), Math.Round(share * 100, 1));
            if ((i + 1) % step == 0 || i == sorted.Count - 1) points.Add(new ParetoPoint(accountShare, share, sorted[i]));
        }
        return (points, headline);
    }
}
