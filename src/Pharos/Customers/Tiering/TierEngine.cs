using System.Globalization;
using Pharos.Customers.Public;

namespace Pharos.Customers.Tiering;

public sealed record TierInput(Guid Id, decimal Revenue, bool IsStrategic, Influence Influence, int BranchCount, LifecycleStage Stage);

/// <summary>
/// The computed tier and why. <see cref="Reason"/> is a list of codes (see <see cref="TierReasons"/>) so the UI can
/// say it in the reader's language: e.g. <c>rev:A:62.5</c> = A by revenue, cumulative share before it 62.5%.
/// </summary>
public sealed record TierResult(Guid Id, Tier Tier, string Reason);

/// <summary>Pure tiering: same input, same output; no clock, no database.</summary>
public static class TierEngine
{
    public static IReadOnlyList<TierResult> Compute(IReadOnlyCollection<TierInput> accounts, TieringRules rules)
    {
        var byRevenue = RevenueTiers(accounts, rules);
        var results = new List<TierResult>(accounts.Count);
        foreach (var a in accounts)
        {
            if (rules.ChurnedAreC && a.Stage == LifecycleStage.Churned)
            {
                results.Add(new TierResult(a.Id, Tier.C, "churned:C"));
                continue;
            }
            var candidates = new List<(Tier Tier, string Code)>();
            var (revTier, shareBefore) = byRevenue[a.Id];
            candidates.Add((revTier, revTier == Tier.C && a.Revenue <= 0 ? "rev0:C" : $"rev:{revTier}:{shareBefore.ToString("0.0", CultureInfo.InvariantCulture)}"));
            if (a.IsStrategic && a.Influence == Influence.IndustryLeader && rules.StrategicLeaderAtLeast is { } sl) candidates.Add((sl, $"strategic-leader:{sl}"));
            if (a.IsStrategic && rules.StrategicAtLeast is { } st) candidates.Add((st, $"strategic:{st}"));
            if (a.Influence == Influence.IndustryLeader && rules.IndustryLeaderAtLeast is { } il) candidates.Add((il, $"leader:{il}"));
            if (a.Influence == Influence.Regional && rules.RegionalInfluenceAtLeast is { } ri) candidates.Add((ri, $"regional:{ri}"));
            if (rules.BranchesForA > 0 && a.BranchCount >= rules.BranchesForA) candidates.Add((Tier.A, $"branches:A:{a.BranchCount}"));
            else if (rules.BranchesForB > 0 && a.BranchCount >= rules.BranchesForB) candidates.Add((Tier.B, $"branches:B:{a.BranchCount}"));

            var best = candidates.Min(c => c.Tier);
            results.Add(new TierResult(a.Id, best, string.Join(';', candidates.Where(c => c.Tier == best).Select(c => c.Code))));
        }
        return results;
    }

    /// <summary>
    /// Sort by revenue, walk the cumulative share. An account is in a band when the share of the accounts strictly
    /// above it is below the band's limit, so the account that crosses 80% is still "top 80%". Accounts with equal
    /// revenue share one fate: the band is decided by the share before the first of them.
    /// </summary>
    private static Dictionary<Guid, (Tier Tier, double ShareBeforePercent)> RevenueTiers(IReadOnlyCollection<TierInput> accounts, TieringRules rules)
    {
        var result = new Dictionary<Guid, (Tier, double)>(accounts.Count);
        var counted = accounts.Where(a => a.Revenue > 0 && !(rules.ChurnedAreC && a.Stage == LifecycleStage.Churned)).ToList();
        var total = counted.Sum(a => a.Revenue);
        foreach (var a in accounts) result[a.Id] = (Tier.C, 100);
        if (total <= 0) return result;

        decimal before = 0;
        foreach (var group in counted.GroupBy(a => a.Revenue).OrderByDescending(g => g.Key))
        {
            var share = (double)(before / total);
            var tier = share < rules.SRevenueShare ? Tier.S
                : share < rules.ARevenueShare ? Tier.A
                : share < rules.BRevenueShare ? Tier.B
                : Tier.C;
            foreach (var a in group) result[a.Id] = (tier, Math.Round(share * 100, 1));
            before += group.Key * group.Count();
        }
        return result;
    }
}
