using System.Net;
using Pharos.Customers.Accounts;
using Pharos.Customers.Entitlements;
using Pharos.Customers.Public;
using Pharos.Customers.Teams;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Service entitlements per tier: read by every staff role, changed by operations, shown on the account.</summary>
public abstract class EntitlementsTests(DemoBook app)
{
    [DbFact]
    public async Task Entitlements_can_be_read_changed_and_show_on_accounts_of_the_tier()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var original = await ops.GetAsync<ServiceEntitlements>("/api/entitlements");
        Assert.Equal(ServiceModel.DedicatedTeam, original.S.Model);
        Assert.Equal([TeamRole.KaSales, TeamRole.KaOperations, TeamRole.ProductManager, TeamRole.DataAnalyst], original.S.TeamRoles);
        try
        {
            var changed = original with { S = original.S with { Notes = "季度业务回顾，驻场每月两天" }, B = original.B with { RemoteAssistance = true } };

            var saved = await (await ops.PutJsonAsync("/api/entitlements", changed)).ReadAsync<ServiceEntitlements>();

            Assert.Equal("季度业务回顾，驻场每月两天", saved.S.Notes);
            var read = await (await app.ClientForRoleAsync(Roles.Support)).GetAsync<ServiceEntitlements>("/api/entitlements");
            Assert.Equal("季度业务回顾，驻场每月两天", read.S.Notes);
            Assert.True(read.B.RemoteAssistance);
            Assert.Equal(original.S.TeamRoles, read.S.TeamRoles);

            var sAccount = (await ops.GetAsync<Page<AccountRow>>("/api/accounts?tier=S&pageSize=1")).Items.Single();
            var detail = await ops.GetAsync<AccountDetail>($"/api/accounts/{sAccount.Id}");
            Assert.Equal("季度业务回顾，驻场每月两天", detail.Entitlement.Notes);
        }
        finally
        {
            await (await ops.PutJsonAsync("/api/entitlements", original)).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [DbFact]
    public async Task Notes_over_500_characters_are_a_problem_naming_notes()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var current = await ops.GetAsync<ServiceEntitlements>("/api/entitlements");

        await (await ops.PutJsonAsync("/api/entitlements", current with { A = current.A with { Notes = new string('注', 501) } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "notes");

        Assert.Null((await ops.GetAsync<ServiceEntitlements>("/api/entitlements")).A.Notes);
    }

    [DbTheory]
    [InlineData("""{"s":null}""")]
    [InlineData("""{"a":{"model":"Teleport"}}""")]
    [InlineData("""{"c":{"teamRoles":["Astronaut"]}}""")]
    public async Task A_malformed_entitlement_is_a_400_problem(string json)
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);

        await (await ops.PutRawJsonAsync("/api/entitlements", json)).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(ServiceModel.DedicatedTeam, (await ops.GetAsync<ServiceEntitlements>("/api/entitlements")).S.Model);
    }

    [DbTheory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.CustomerSuccess)]
    [InlineData(Roles.Analyst)]
    public async Task Roles_without_the_permission_read_but_cannot_change_entitlements(string role)
    {
        var client = await app.ClientForRoleAsync(role);
        var current = await client.GetAsync<ServiceEntitlements>("/api/entitlements");

        await (await client.PutJsonAsync("/api/entitlements", current with { C = current.C with { OnSiteSupport = true } })).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.False((await client.GetAsync<ServiceEntitlements>("/api/entitlements")).C.OnSiteSupport);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : EntitlementsTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : EntitlementsTests(app), IPostgresSuite;
}
