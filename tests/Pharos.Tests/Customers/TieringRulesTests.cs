using System.Net;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Dashboard;
using Pharos.Customers.Public;
using Pharos.Customers.Tiering;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Previewing rules on the demo book: the answer says who would move, and nothing is saved.</summary>
public abstract class TieringPreviewTests(DemoBook app)
{
    private Task<Dictionary<Guid, Tier>> TiersAsync() => app.WithDbAsync(db => db.Set<Account>().AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Tier));

    [DbFact]
    public async Task Preview_reports_moves_between_tiers_and_saves_nothing()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var rulesBefore = await ops.GetAsync<TieringRules>("/api/tiering/rules");
        var tiersBefore = await TiersAsync();
        var dashboardBefore = await ops.GetAsync<TierDashboardData>("/api/tiering/dashboard");
        var stricter = new TieringRules { SRevenueShare = 0.2, ARevenueShare = 0.5, BRevenueShare = 0.7, StrategicAtLeast = null, BranchesForA = 0, BranchesForB = 0 };

        var preview = await (await ops.PostJsonAsync("/api/tiering/rules/preview", stricter)).ReadAsync<TierPreview>();

        Assert.True(preview.Moving > 0, "stricter rules move accounts down");
        Assert.Equal(preview.Moves.Where(m => m.From != m.To).Sum(m => m.Count), preview.Moving);
        Assert.Equal(tiersBefore.Count, preview.Moves.Sum(m => m.Count));
        foreach (var tier in Enum.GetValues<Tier>())
        {
            Assert.Equal(tiersBefore.Values.Count(t => t == tier), preview.Before[tier]);
            Assert.Equal(preview.Moves.Where(m => m.To == tier).Sum(m => m.Count), preview.After[tier]);
        }
        Assert.True(preview.After[Tier.S] < preview.Before[Tier.S]);

        Assert.Equal(rulesBefore, await ops.GetAsync<TieringRules>("/api/tiering/rules"));
        Assert.Equal(tiersBefore, await TiersAsync());
        var dashboardAfter = await ops.GetAsync<TierDashboardData>("/api/tiering/dashboard");
        Assert.Equal(dashboardBefore.Tiers, dashboardAfter.Tiers);
    }

    [DbFact]
    public async Task Preview_of_the_current_rules_moves_nobody()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var current = await ops.GetAsync<TieringRules>("/api/tiering/rules");

        var preview = await (await ops.PostJsonAsync("/api/tiering/rules/preview", current)).ReadAsync<TierPreview>();

        Assert.Equal(0, preview.Moving);
    }

    [DbFact]
    public async Task Preview_of_rules_with_falling_shares_is_a_problem_naming_the_share()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);

        await (await ops.PostJsonAsync("/api/tiering/rules/preview", new TieringRules { SRevenueShare = 0.9, ARevenueShare = 0.8 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "aRevenueShare");
        await (await ops.PostRawJsonAsync("/api/tiering/rules/preview", """{"sRevenueShare":1.5}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "sRevenueShare");
    }

    [DbFact]
    public async Task The_demo_dashboard_shows_the_pareto_headline_and_all_tiers()
    {
        var dashboard = await (await app.ClientForRoleAsync(Roles.Analyst)).GetAsync<TierDashboardData>("/api/tiering/dashboard");

        Assert.True(dashboard.Accounts >= 600);
        Assert.Equal(dashboard.Accounts, dashboard.Tiers.Sum(t => t.Accounts));
        Assert.Equal(dashboard.Revenue, dashboard.Tiers.Sum(t => t.Revenue));
        Assert.All(Enum.GetValues<Tier>(), t => Assert.Contains(dashboard.Tiers, s => s.Tier == t && s.Accounts > 0));
        Assert.NotNull(dashboard.Headline);
        // The demo revenue is drawn so that roughly the top fifth brings 80% (二八原则).
        Assert.InRange(dashboard.Headline.TopAccountsPercent, 5, 40);
        Assert.InRange(dashboard.Headline.RevenuePercent, 80, 81);
        Assert.InRange(dashboard.Pareto.Count, 50, 100);
        Assert.True(dashboard.Overridden >= 2, "the demo has hand overrides");
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : TieringPreviewTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : TieringPreviewTests(app), IPostgresSuite;
}

/// <summary>Saving rules recomputes the whole book, so these run on a small book of their own.</summary>
public abstract class TieringRulesTests(EmptyBook app)
{
    // 400k + 300k + 200k + 50k + 50k = 1M. Default rules: S S A B B.
    private static readonly (string Name, decimal Revenue)[] Book =
        [("规则甲", 400_000m), ("规则乙", 300_000m), ("规则丙", 200_000m), ("规则丁", 50_000m), ("规则戊", 50_000m)];

    private async Task<Dictionary<string, AccountDetail>> SeedAsync(HttpClient ops)
    {
        var run = Http.Unique("");
        var result = new Dictionary<string, AccountDetail>();
        foreach (var (name, revenue) in Book)
            result[name] = await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = name + run, Industry = "制造", Region = "华东", AnnualContractValue = revenue, Stage = LifecycleStage.Mature }))
                .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        return result;
    }

    private static async Task<Dictionary<string, Tier>> TiersAsync(HttpClient client, Dictionary<string, AccountDetail> accounts)
    {
        var tiers = new Dictionary<string, Tier>();
        foreach (var (name, a) in accounts) tiers[name] = (await client.GetAsync<AccountDetail>($"/api/accounts/{a.Id}")).Tier;
        return tiers;
    }

    [DbFact]
    public async Task Saving_rules_recomputes_tiers_records_history_and_changes_the_dashboard()
    {
        var ops = await app.OperationsAsync();
        var accounts = await SeedAsync(ops);
        Assert.Equal([Tier.S, Tier.S, Tier.A, Tier.B, Tier.B], (await TiersAsync(ops, accounts)).Values);
        var before = await ops.GetAsync<TierDashboardData>("/api/tiering/dashboard");
        Assert.Equal([2, 1, 2, 0], before.Tiers.Select(t => t.Accounts));
        Assert.Equal(new ParetoHeadline(60.0, 90.0), before.Headline);
        Assert.Equal(0.7, before.Tiers.Single(t => t.Tier == Tier.S).RevenueShare, 9);

        var rules = new TieringRules { SRevenueShare = 0.3, ARevenueShare = 0.6, BRevenueShare = 0.8 };
        var saved = await (await ops.PutJsonAsync("/api/tiering/rules", rules)).ReadAsync<System.Text.Json.JsonElement>();

        // 300k S→A, 200k A→B, both 50k B→C.
        Assert.Equal(4, saved.GetProperty("changed").GetInt32());
        Assert.Equal(rules, await ops.GetAsync<TieringRules>("/api/tiering/rules"));
        Assert.Equal([Tier.S, Tier.A, Tier.B, Tier.C, Tier.C], (await TiersAsync(ops, accounts)).Values);
        var after = await ops.GetAsync<TierDashboardData>("/api/tiering/dashboard");
        Assert.Equal([1, 1, 1, 2], after.Tiers.Select(t => t.Accounts));
        Assert.Equal(before.Headline, after.Headline);
        var b = await ops.GetAsync<AccountDetail>($"/api/accounts/{accounts["规则乙"].Id}");
        Assert.Equal("rev:A:40.0", b.TierReason);
        Assert.Equal((TierChangeKind.Computed, Tier.S, Tier.A), (b.TierHistory[0].Kind, b.TierHistory[0].From!.Value, b.TierHistory[0].To));

        // Back to the defaults, so other tests in this class see the usual rules.
        await (await ops.PutJsonAsync("/api/tiering/rules", new TieringRules())).ExpectAsync(HttpStatusCode.OK);
    }

    [DbFact]
    public async Task Bad_rules_are_refused_naming_the_field_and_nothing_changes()
    {
        var ops = await app.OperationsAsync();
        var rulesBefore = await ops.GetAsync<TieringRules>("/api/tiering/rules");

        await (await ops.PutJsonAsync("/api/tiering/rules", new TieringRules { SRevenueShare = 0.9, ARevenueShare = 0.8, BRevenueShare = 0.95 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "aRevenueShare");
        await (await ops.PutJsonAsync("/api/tiering/rules", new TieringRules { BranchesForA = 10, BranchesForB = 30 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "branchesForA");
        await (await ops.PutRawJsonAsync("/api/tiering/rules", """{"strategicAtLeast":"X"}""")).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(rulesBefore, await ops.GetAsync<TieringRules>("/api/tiering/rules"));
    }

    [DbFact]
    public async Task Roles_without_the_rules_permission_cannot_preview_or_save_rules()
    {
        foreach (var role in new[] { Roles.CustomerSuccess, Roles.Support, Roles.Sales, Roles.ProductManager, Roles.Analyst })
        {
            var client = await app.ClientForRoleAsync(role);
            await (await client.PutJsonAsync("/api/tiering/rules", new TieringRules())).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.PostJsonAsync("/api/tiering/rules/preview", new TieringRules())).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync("/api/tiering/rules")).ExpectAsync(HttpStatusCode.OK);
        }
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : TieringRulesTests(app), IClassFixture<EmptyBookOnSqlite>;

    public sealed class Postgres(EmptyBookOnPostgres app) : TieringRulesTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}

/// <summary>Tiers depend on the whole book: an edit of one account's revenue moves others. Its own book, as it reshapes it.</summary>
public abstract class RetierOnEditTests(EmptyBook app)
{
    [DbFact]
    public async Task A_revenue_change_on_one_account_retiers_the_others()
    {
        var ops = await app.OperationsAsync();
        var others = new List<AccountDetail>();
        foreach (var revenue in new[] { 100_000m, 80_000m, 60_000m })
            others.Add(await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("老客户"), Industry = "金融", Region = "华北", AnnualContractValue = revenue, Stage = LifecycleStage.Mature }))
                .ReadAsync<AccountDetail>(HttpStatusCode.Created));
        var big = await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("大客户"), Industry = "金融", Region = "华北", Stage = LifecycleStage.Mature }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        Assert.Equal([Tier.S, Tier.S, Tier.A], await TiersAsync(ops, others));

        // Now it alone brings two thirds of the book: it is S, and everybody else slides.
        var input = new AccountInput { Name = big.Name, Industry = "金融", Region = "华北", Stage = LifecycleStage.Mature, AnnualContractValue = 480_001m };
        var updated = await (await ops.PutJsonAsync($"/api/accounts/{big.Id}", input)).ReadAsync<AccountDetail>();

        Assert.Equal(Tier.S, updated.Tier);
        Assert.Equal([Tier.A, Tier.B, Tier.B], await TiersAsync(ops, others));
    }

    private static async Task<List<Tier>> TiersAsync(HttpClient client, List<AccountDetail> accounts)
    {
        var tiers = new List<Tier>();
        foreach (var a in accounts) tiers.Add((await client.GetAsync<AccountDetail>($"/api/accounts/{a.Id}")).Tier);
        return tiers;
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : RetierOnEditTests(app), IClassFixture<EmptyBookOnSqlite>;

    public sealed class Postgres(EmptyBookOnPostgres app) : RetierOnEditTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
