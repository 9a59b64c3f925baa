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
        // One list reused for every account, and reason text formatted only for the rules that decide: the whole book is
        // recomputed on every input change, so this loop is the hot path (bench/RESULTS.md).
        var candidates = new List<(Tier Tier, Rule Rule)>(8);
        var reason = new System.Text.StringBuilder();
        foreach (var a in accounts)
        {
            if (rules.ChurnedAreC && a.Stage == LifecycleStage.Churned)
            {
                results.Add(new TierResult(a.Id, Tier.C, "churned:C"));
                continue;
            }
            candidates.Clear();
            var (revTier, shareBefore) = byRevenue[a.Id];
            candidates.Add((revTier, Rule.Revenue));
            if (a.IsStrategic && a.Influence == Influence.IndustryLeader && rules.StrategicLeaderAtLeast is { } sl) candidates.Add((sl, Rule.StrategicLeader));
            if (a.IsStrategic && rules.StrategicAtLeast is { } st) candidates.Add((st, Rule.Strategic));
            if (a.Influence == Influence.IndustryLeader && rules.IndustryLeaderAtLeast is { } il) candidates.Add((il, Rule.Leader));
            if (a.Influence == Influence.Regional && rules.RegionalInfluenceAtLeast is { } ri) candidates.Add((ri, Rule.Regional));
            if (rules.BranchesForA > 0 && a.BranchCount >= rules.BranchesForA) candidates.Add((Tier.A, Rule.Branches));
            else if (rules.BranchesForB > 0 && a.BranchCount >= rules.BranchesForB) candidates.Add((Tier.B, Rule.Branches));

            var best = Tier.C;
            foreach (var c in candidates) best = best.Best(c.Tier);
            reason.Clear();
            foreach (var (tier, rule) in candidates)
            {
                if (tier != best) continue;
                if (reason.Length > 0) reason.Append(';');
                reason.Append(rule switch
                {
                    Rule.Revenue when revTier == Tier.C && a.Revenue <= 0 => "rev0:C",
                    Rule.Revenue => $"rev:{revTier}:{shareBefore.ToString("0.0", CultureInfo.InvariantCulture)}",
                    Rule.StrategicLeader => $"strategic-leader:{tier}",
                    Rule.Strategic => $"strategic:{tier}",
                    Rule.Leader => $"leader:{tier}",
                    Rule.Regional => $"regional:{tier}",
                    _ => $"branches:{tier}:{a.BranchCount}",
                });
            }
            results.Add(new TierResult(a.Id, best, reason.ToString()));
        }
        return results;
    }

    private enum Rule { Revenue, StrategicLeader, Strategic, Leader, Regional, Branches }

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

        counted.Sort((x, y) => y.Revenue.CompareTo(x.Revenue));
        decimal before = 0;
        for (var i = 0; i < counted.Count;)
        {
            // A run of equal revenues shares the band decided by the share before its first member.
            var share = (double)(before / total);
            var tier = share < rules.SRevenueShare ? Tier.S
                : share < rules.ARevenueShare ? Tier.A
                : share < rules.BRevenueShare ? Tier.B
                : Tier.C;
            var revenue = counted[i].Revenue;
            for (; i < counted.Count && counted[i].Revenue == revenue; i++)
            {
                result[counted[i].Id] = (tier, Math.Round(share * 100, 1));
                before += revenue;
            }
        }
        return result;
    }
}
