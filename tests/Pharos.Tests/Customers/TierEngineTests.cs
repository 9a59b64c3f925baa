using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Public;
using Pharos.Customers.Tiering;

namespace Pharos.Tests.Customers;

/// <summary>The pure tiering rules, table by table: each row is a small book and the tier and reason every account must get.</summary>
public sealed class TierEngineTests
{
    private static readonly TieringRules Defaults = new();

    /// <summary>An account of a hand-made book, named so a failing row says which.</summary>
    public sealed record Acc(string Label, decimal Revenue, bool Strategic = false, Influence Influence = Influence.None, int Branches = 0, LifecycleStage Stage = LifecycleStage.Mature);

    public sealed record Book(Acc[] Accounts, (string Label, Tier Tier, string Reason)[] Expected, TieringRules? Rules = null);

    private static readonly Dictionary<string, Book> Cases = new()
    {
        // Revenue bands (defaults: S below 50% before it, A below 80%, B below 95%).
        ["the account that crosses a line is still in the head"] = new(
            [new("a", 40), new("b", 30), new("c", 20), new("d", 10)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.S, "rev:S:40.0"), ("c", Tier.A, "rev:A:70.0"), ("d", Tier.B, "rev:B:90.0")]),
        ["an account starting exactly on a line is below it"] = new(
            [new("a", 50), new("b", 30), new("c", 15), new("d", 5)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.A, "rev:A:50.0"), ("c", Tier.B, "rev:B:80.0"), ("d", Tier.C, "rev:C:95.0")]),
        ["the long tail is C"] = new(
            [new("a", 900), new("b", 60), new("c", 30), new("d", 6), new("e", 4)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.B, "rev:B:90.0"), ("c", Tier.C, "rev:C:96.0"), ("d", Tier.C, "rev:C:99.0"), ("e", Tier.C, "rev:C:99.6")]),
        ["custom bands move the lines"] = new(
            [new("a", 40), new("b", 30), new("c", 20), new("d", 10)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.A, "rev:A:40.0"), ("c", Tier.B, "rev:B:70.0"), ("d", Tier.C, "rev:C:90.0")],
            new TieringRules { SRevenueShare = 0.2, ARevenueShare = 0.6, BRevenueShare = 0.9 }),

        // Ties: equal revenue, equal fate, decided by the share before the first of them.
        ["equal revenue gets the same tier"] = new(
            [new("a", 30), new("b", 30), new("c", 30), new("d", 10)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.S, "rev:S:0.0"), ("c", Tier.S, "rev:S:0.0"), ("d", Tier.B, "rev:B:90.0")]),
        ["a tie that straddles a line stays together"] = new(
            [new("a", 50), new("b", 20), new("c", 20), new("d", 10)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.A, "rev:A:50.0"), ("c", Tier.A, "rev:A:50.0"), ("d", Tier.B, "rev:B:90.0")]),

        // No revenue.
        ["a book without revenue is all C"] = new(
            [new("a", 0), new("b", 0), new("c", 0)],
            [("a", Tier.C, "rev0:C"), ("b", Tier.C, "rev0:C"), ("c", Tier.C, "rev0:C")]),
        ["an account without revenue in a paying book is C"] = new(
            [new("a", 100), new("b", 0)],
            [("a", Tier.S, "rev:S:0.0"), ("b", Tier.C, "rev0:C")]),

        // Churned.
        ["a churned account is C whatever its revenue and lifts, and its revenue does not count"] = new(
            [new("gone", 90, Strategic: true, Influence: Influence.IndustryLeader, Branches: 500, Stage: LifecycleStage.Churned), new("b", 10)],
            [("gone", Tier.C, "churned:C"), ("b", Tier.S, "rev:S:0.0")]),
        ["churned accounts are tiered like others when the rule is off"] = new(
            [new("gone", 90, Stage: LifecycleStage.Churned), new("b", 10)],
            [("gone", Tier.S, "rev:S:0.0"), ("b", Tier.B, "rev:B:90.0")],
            new TieringRules { ChurnedAreC = false }),

        // Lifts.
        ["strategic lifts to A"] = new(
            [new("big", 100), new("s", 0, Strategic: true)],
            [("big", Tier.S, "rev:S:0.0"), ("s", Tier.A, "strategic:A")]),
        ["an industry leader is lifted to A"] = new(
            [new("big", 100), new("l", 0, Influence: Influence.IndustryLeader)],
            [("l", Tier.A, "leader:A")]),
        ["a strategic industry leader is lifted to S"] = new(
            [new("big", 100), new("sl", 0, Strategic: true, Influence: Influence.IndustryLeader)],
            [("sl", Tier.S, "strategic-leader:S")]),
        ["regional influence lifts to B"] = new(
            [new("big", 100), new("r", 0, Influence: Influence.Regional)],
            [("r", Tier.B, "regional:B")]),
        ["200 branches lift to A"] = new(
            [new("big", 100), new("chain", 0, Branches: 200)],
            [("chain", Tier.A, "branches:A:200")]),
        ["30 branches lift to B"] = new(
            [new("big", 100), new("chain", 0, Branches: 30)],
            [("chain", Tier.B, "branches:B:30")]),
        ["29 branches lift nothing"] = new(
            [new("big", 100), new("shop", 0, Branches: 29)],
            [("shop", Tier.C, "rev0:C")]),
        ["a lift never lowers a better revenue tier"] = new(
            [new("r", 100, Influence: Influence.Regional, Branches: 40)],
            [("r", Tier.S, "rev:S:0.0")]),
        ["lifts to other tiers follow the rules"] = new(
            [new("big", 100), new("s", 0, Strategic: true), new("r", 0, Influence: Influence.Regional)],
            [("s", Tier.B, "strategic:B"), ("r", Tier.A, "regional:A")],
            new TieringRules { StrategicAtLeast = Tier.B, RegionalInfluenceAtLeast = Tier.A }),
        ["lifts that are switched off do not count"] = new(
            [new("big", 100), new("x", 0, Strategic: true, Influence: Influence.IndustryLeader, Branches: 500)],
            [("x", Tier.C, "rev0:C")],
            new TieringRules { StrategicAtLeast = null, IndustryLeaderAtLeast = null, StrategicLeaderAtLeast = null, RegionalInfluenceAtLeast = null, BranchesForA = 0, BranchesForB = 0 }),

        // Reasons: every rule that gives the winning tier, and only those.
        ["the reason lists every rule that decides"] = new(
            [new("big", 100), new("x", 0, Strategic: true, Branches: 250)],
            [("x", Tier.A, "strategic:A;branches:A:250")]),
        ["the reason lists revenue and a lift that agree"] = new(
            [new("big", 60), new("x", 40, Strategic: true)],
            [("x", Tier.A, "rev:A:60.0;strategic:A")]),
        ["the reason leaves out rules that give a lower tier"] = new(
            [new("x", 100, Strategic: true, Influence: Influence.IndustryLeader, Branches: 300)],
            [("x", Tier.S, "rev:S:0.0;strategic-leader:S")]),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Tiers_follow_the_rules(string name)
    {
        var c = Cases[name];
        var ids = c.Accounts.ToDictionary(a => a.Label, _ => Guid.NewGuid());
        var inputs = c.Accounts.Select(a => new TierInput(ids[a.Label], a.Revenue, a.Strategic, a.Influence, a.Branches, a.Stage)).ToList();

        var results = TierEngine.Compute(inputs, c.Rules ?? Defaults).ToDictionary(r => r.Id);

        Assert.Equal(c.Accounts.Length, results.Count);
        foreach (var (label, tier, reason) in c.Expected)
        {
            var r = results[ids[label]];
            Assert.True(r.Tier == tier && r.Reason == reason, $"{label}: expected {tier} ({reason}), got {r.Tier} ({r.Reason})");
        }
    }

    [Fact]
    public void No_accounts_give_no_results()
    {
        Assert.Empty(TierEngine.Compute([], Defaults));
    }

    [Fact]
    public void The_order_of_the_accounts_does_not_change_the_result()
    {
        var rng = new Random(7);
        var book = Enumerable.Range(0, 300).Select(i => new TierInput(Guid.NewGuid(), rng.Next(0, 20) * 1000m, rng.NextDouble() < 0.05,
            (Influence)rng.Next(3), rng.Next(0, 250), (LifecycleStage)rng.Next(4))).ToList();

        var forward = TierEngine.Compute(book, Defaults).OrderBy(r => r.Id).ToList();
        var shuffled = TierEngine.Compute(book.OrderBy(_ => rng.Next()).ToList(), Defaults).OrderBy(r => r.Id).ToList();

        Assert.Equal(forward, shuffled);
    }

    public static TheoryData<double, double, double, int, int, string?> RuleSets() => new()
    {
        { 0.5, 0.8, 0.95, 200, 30, null },
        { 0.5, 0.5, 0.5, 200, 30, null },
        { 0, 0, 1, 0, 0, null },
        { 0.5, 0.8, 0.95, 0, 30, null },
        { 0.9, 0.8, 0.95, 200, 30, nameof(TieringRules.ARevenueShare) },
        { 0.5, 0.96, 0.95, 200, 30, nameof(TieringRules.ARevenueShare) },
        { 1.2, 1.3, 1.4, 200, 30, nameof(TieringRules.SRevenueShare) },
        { -0.1, 0.8, 0.95, 200, 30, nameof(TieringRules.SRevenueShare) },
        { 0.5, 0.8, 0.95, 20, 30, nameof(TieringRules.BranchesForA) },
        { 0.5, 0.8, 0.95, -1, 30, nameof(TieringRules.BranchesForA) },
    };

    [Theory]
    [MemberData(nameof(RuleSets))]
    public void Tiering_rules_need_rising_shares_and_sane_branch_counts(double s, double a, double b, int branchesA, int branchesB, string? badMember)
    {
        var rules = new TieringRules { SRevenueShare = s, ARevenueShare = a, BRevenueShare = b, BranchesForA = branchesA, BranchesForB = branchesB };
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(rules, new ValidationContext(rules), results, validateAllProperties: true);

        if (badMember is null) Assert.True(valid, string.Join("; ", results.Select(r => r.ErrorMessage)));
        else
        {
            Assert.False(valid);
            Assert.Contains(results, r => r.MemberNames.Contains(badMember));
        }
    }
}
