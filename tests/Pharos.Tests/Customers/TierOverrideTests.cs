using System.Net;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Customers.Tiering;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Overriding the computed tier by hand: a reason is mandatory, history and audit record it, and it can be reverted.</summary>
public abstract class TierOverrideTests(DemoBook app)
{
    private Task<HttpClient> Ops() => app.ClientForRoleAsync(Roles.Operations);

    /// <summary>A zero-revenue account of our own: C by the rules, and adding it moves no other account.</summary>
    private async Task<AccountDetail> NewAccountAsync() =>
        await (await (await Ops()).PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("等级调整测试有限公司"), Industry = "零售", Region = "华南", City = "深圳" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);

    [DbTheory]
    [InlineData("X")]
    [InlineData("s")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_unknown_tier_is_a_problem_naming_tier(string? tier)
    {
        var account = await NewAccountAsync();

        await (await (await Ops()).PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest(tier, "理由")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "tier");
    }

    [DbTheory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_override_without_a_reason_is_a_problem_naming_reason(string? reason)
    {
        var account = await NewAccountAsync();

        await (await (await Ops()).PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest("A", reason)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");

        var after = await (await Ops()).GetAsync<AccountDetail>($"/api/accounts/{account.Id}");
        Assert.Null(after.OverrideTier);
        Assert.Equal(Tier.C, after.Tier);
    }

    [DbFact]
    public async Task A_reason_over_500_characters_is_a_problem_naming_reason()
    {
        var account = await NewAccountAsync();

        await (await (await Ops()).PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest("A", new string('因', 501))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
    }

    [DbFact]
    public async Task An_override_shows_in_the_detail_history_audit_and_list_and_reverting_restores_the_computed_tier()
    {
        var ops = await Ops();
        var account = await NewAccountAsync();
        const string reason = "区域标杆客户，计划作为华南灯塔案例";

        var overridden = await (await ops.PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest("A", reason))).ReadAsync<AccountDetail>();

        Assert.Equal(Tier.A, overridden.Tier);
        Assert.Equal(Tier.A, overridden.OverrideTier);
        Assert.Equal(Tier.C, overridden.ComputedTier);
        Assert.Equal(reason, overridden.TierReason);
        Assert.Equal(reason, overridden.OverrideReason);
        Assert.NotNull(overridden.OverrideAt);
        var line = overridden.TierHistory[0];
        Assert.Equal((TierChangeKind.Override, Tier.C, Tier.A, reason, "ops@pharos.demo"), (line.Kind, line.From!.Value, line.To, line.Reason, line.By));
        var audit = Assert.Single(overridden.Audit, e => e.Action == "tier-overridden");
        Assert.Contains(reason, audit.Changes);
        Assert.Equal("ops@pharos.demo", audit.UserName);
        // The entitlement shown is the one of the tier in force.
        Assert.Equal((await ops.GetAsync<Pharos.Customers.Entitlements.ServiceEntitlements>("/api/entitlements")).A.Model, overridden.Entitlement.Model);
        var list = await ops.GetAsync<Page<AccountRow>>($"/api/accounts?overridden=true&tier=A&q={Uri.EscapeDataString(account.Name)}");
        Assert.True(Assert.Single(list.Items).TierOverridden);

        var reverted = await (await ops.DeleteAsync($"/api/accounts/{account.Id}/tier-override")).ReadAsync<AccountDetail>();

        Assert.Equal(Tier.C, reverted.Tier);
        Assert.Null(reverted.OverrideTier);
        Assert.Null(reverted.OverrideReason);
        Assert.Equal("rev0:C", reverted.TierReason);
        Assert.Equal((TierChangeKind.OverrideReverted, Tier.A, Tier.C), (reverted.TierHistory[0].Kind, reverted.TierHistory[0].From!.Value, reverted.TierHistory[0].To));
        Assert.Contains(reverted.Audit, e => e.Action == "tier-override-reverted");
    }

    [DbFact]
    public async Task An_override_survives_a_recompute()
    {
        var ops = await Ops();
        var account = await NewAccountAsync();
        await (await ops.PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest("S", "集团框架协议"))).ExpectAsync(HttpStatusCode.OK);

        await (await ops.PostAsync("/api/tiering/recompute", null)).ExpectAsync(HttpStatusCode.OK);

        var after = await ops.GetAsync<AccountDetail>($"/api/accounts/{account.Id}");
        Assert.Equal(Tier.S, after.Tier);
        Assert.Equal(Tier.C, after.ComputedTier);
    }

    [DbFact]
    public async Task Reverting_an_account_without_an_override_is_a_409()
    {
        var account = await NewAccountAsync();

        await (await (await Ops()).DeleteAsync($"/api/accounts/{account.Id}/tier-override")).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [DbFact]
    public async Task Overriding_an_unknown_account_is_a_404_problem()
    {
        var ops = await Ops();

        await (await ops.PostJsonAsync($"/api/accounts/{Guid.NewGuid()}/tier-override", new OverrideTierRequest("A", "理由"))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await ops.DeleteAsync($"/api/accounts/{Guid.NewGuid()}/tier-override")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [DbTheory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.CustomerSuccess)]
    public async Task Roles_without_the_permission_cannot_override_and_nothing_changes(string role)
    {
        var account = await NewAccountAsync();
        var client = await app.ClientForRoleAsync(role);

        await (await client.PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new OverrideTierRequest("S", "想要更高等级"))).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(Tier.C, (await client.GetAsync<AccountDetail>($"/api/accounts/{account.Id}")).Tier);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : TierOverrideTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : TierOverrideTests(app), IPostgresSuite;
}
