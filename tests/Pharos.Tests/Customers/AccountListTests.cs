using System.Net;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>The customer book list over the demo book: search, filters, paging, sorting. Expected counts come from the database itself.</summary>
public abstract class AccountListTests(DemoBook app)
{
    private async Task<Page<AccountRow>> ListAsync(string query) =>
        await (await app.ClientForRoleAsync(Roles.Support)).GetAsync<Page<AccountRow>>("/api/accounts?" + query);

    private Task<List<Account>> AllAccountsAsync() => app.WithDbAsync(db => db.Set<Account>().AsNoTracking().ToListAsync());

    [DbFact]
    public async Task Search_by_a_Chinese_substring_finds_every_account_with_it_in_name_or_city()
    {
        var expected = (await AllAccountsAsync()).Count(a => a.Name.Contains("杭州") || (a.City?.Contains("杭州") ?? false));
        Assert.True(expected > 0, "the demo book has accounts in 杭州");

        var page = await ListAsync("q=" + Uri.EscapeDataString("杭州") + "&pageSize=200");

        Assert.Equal(expected, page.Total);
        Assert.All(page.Items, a => Assert.True(a.Name.Contains("杭州") || a.City == "杭州", a.Name));
    }

    [DbFact]
    public async Task Search_finds_a_two_character_fragment_inside_a_name()
    {
        var any = (await AllAccountsAsync()).First(a => a.Name.Contains("智能制造"));

        var page = await ListAsync("q=" + Uri.EscapeDataString("智能制造") + "&pageSize=200");

        Assert.Contains(page.Items, a => a.Id == any.Id);
        Assert.All(page.Items, a => Assert.Contains("智能制造", a.Name));
    }

    [DbFact]
    public async Task Search_ignores_case_in_names_external_ids_and_cities()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var name = Http.Unique("Case Test 大小写");
        var created = await (await ops.PostJsonAsync("/api/accounts", new AccountInput
        {
            Name = name, ExternalId = Http.Unique("EXT-Case"), Industry = "制造", Region = "华东", City = "Suzhou",
        })).ReadAsync<AccountDetail>(HttpStatusCode.Created);

        foreach (var q in new[] { name.ToUpperInvariant(), created.ExternalId!.ToLowerInvariant(), "suzhou", "SUZHOU" })
        {
            var page = await ListAsync("pageSize=200&q=" + Uri.EscapeDataString(q));
            Assert.True(page.Items.Any(a => a.Id == created.Id), $"q={q} finds the account");
        }
    }

    [DbFact]
    public async Task Search_without_a_match_is_an_empty_page()
    {
        var page = await ListAsync("q=" + Uri.EscapeDataString("不存在的客户名称"));

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [DbTheory]
    [InlineData("S")]
    [InlineData("C")]
    [InlineData("S,A")]
    public async Task Tier_filter_returns_exactly_the_accounts_in_those_tiers(string tiers)
    {
        var wanted = tiers.Split(',').Select(Enum.Parse<Tier>).ToHashSet();
        var expected = (await AllAccountsAsync()).Count(a => wanted.Contains(a.Tier));

        var page = await ListAsync($"tier={tiers}&pageSize=200");

        Assert.Equal(expected, page.Total);
        Assert.All(page.Items, a => Assert.Contains(a.Tier, wanted));
    }

    [DbFact]
    public async Task Industry_and_region_filters_combine()
    {
        var expected = (await AllAccountsAsync()).Count(a => a.Industry == "制造" && a.Region == "华东");
        Assert.True(expected > 0);

        var page = await ListAsync($"industry={Uri.EscapeDataString("制造")}&region={Uri.EscapeDataString("华东")}&pageSize=200");

        Assert.Equal(expected, page.Total);
        Assert.All(page.Items, a => Assert.True(a.Industry == "制造" && a.Region == "华东"));
    }

    [DbFact]
    public async Task Filters_for_stage_strategic_and_overridden_narrow_the_list()
    {
        var all = await AllAccountsAsync();

        var churned = await ListAsync("stage=Churned&pageSize=1");
        var strategic = await ListAsync("strategic=true&pageSize=1");
        var overridden = await ListAsync("overridden=true&pageSize=200");

        Assert.Equal(all.Count(a => a.Stage == LifecycleStage.Churned), churned.Total);
        Assert.Equal(all.Count(a => a.IsStrategic), strategic.Total);
        Assert.Equal(all.Count(a => a.OverrideTier != null), overridden.Total);
        Assert.All(overridden.Items, a => Assert.True(a.TierOverridden));
    }

    [DbFact]
    public async Task Pages_follow_each_other_without_overlap()
    {
        var first = await ListAsync("page=1&pageSize=25");
        var second = await ListAsync("page=2&pageSize=25");
        var both = await ListAsync("page=1&pageSize=50");

        Assert.Equal(25, first.Items.Count);
        Assert.Equal(2, second.PageNumber);
        Assert.Equal(first.Total, second.Total);
        Assert.Empty(first.Items.Select(a => a.Id).Intersect(second.Items.Select(a => a.Id)));
        Assert.Equal(both.Items.Select(a => a.Id), first.Items.Concat(second.Items).Select(a => a.Id));
    }

    [DbFact]
    public async Task A_page_past_the_end_is_empty_but_keeps_the_total()
    {
        var page = await ListAsync("page=1000&pageSize=200");

        Assert.Empty(page.Items);
        Assert.True(page.Total >= 600);
    }

    [DbTheory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("tier=X", "tier")]
    [InlineData("tier=1", "tier")]
    public async Task Bad_list_parameters_are_problems_naming_the_parameter(string query, string field)
    {
        var support = await app.ClientForRoleAsync(Roles.Support);

        await (await support.GetAsync("/api/accounts?" + query)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [DbFact]
    public async Task Default_order_is_by_revenue_from_the_largest()
    {
        var page = await ListAsync("pageSize=200");

        Assert.Equal(page.Items.OrderByDescending(a => a.AnnualContractValue).Select(a => a.AnnualContractValue), page.Items.Select(a => a.AnnualContractValue));
        var max = (await AllAccountsAsync()).Max(a => a.AnnualContractValue);
        Assert.Equal(max, page.Items[0].AnnualContractValue);
    }

    [DbFact]
    public async Task Revenue_can_be_sorted_from_the_smallest()
    {
        var page = await ListAsync("sort=acv&desc=false&pageSize=200");

        Assert.Equal(page.Items.OrderBy(a => a.AnnualContractValue).Select(a => a.AnnualContractValue), page.Items.Select(a => a.AnnualContractValue));
    }

    [DbFact]
    public async Task Tier_sort_puts_S_first_and_C_last()
    {
        var up = await ListAsync("sort=tier&desc=false&pageSize=200&page=1");
        var down = await ListAsync("sort=tier&desc=true&pageSize=200&page=1");

        Assert.Equal(Tier.S, up.Items[0].Tier);
        Assert.Equal(up.Items.OrderBy(a => a.Tier).Select(a => a.Tier), up.Items.Select(a => a.Tier));
        Assert.Equal(Tier.C, down.Items[0].Tier);
    }

    [DbFact]
    public async Task Name_sort_orders_names_both_ways()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var run = Http.Unique("排序测试");
        foreach (var letter in new[] { "C", "A", "B" })
            await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = $"{run}-{letter}", Industry = "制造", Region = "华北" })).ExpectAsync(HttpStatusCode.Created);

        var up = await ListAsync($"q={run}&sort=name&desc=false");
        var down = await ListAsync($"q={run}&sort=name&desc=true");

        Assert.Equal([$"{run}-A", $"{run}-B", $"{run}-C"], up.Items.Select(a => a.Name));
        Assert.Equal([$"{run}-C", $"{run}-B", $"{run}-A"], down.Items.Select(a => a.Name));
    }

    [DbFact]
    public async Task Rows_carry_the_owner_name()
    {
        var page = await ListAsync("pageSize=50");

        Assert.Contains(page.Items, a => a.OwnerId is not null && !string.IsNullOrEmpty(a.OwnerName));
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : AccountListTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : AccountListTests(app), IPostgresSuite;
}
