using System.Net;
using Pharos.Customers.Accounts;
using Pharos.Platform.Audit;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Platform;

/// <summary>The book-wide audit trail.</summary>
public abstract class AuditLogTests(DemoBook app)
{
    [DbFact]
    public async Task An_override_appears_in_the_audit_trail_with_who_and_why()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var account = await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("审计测试有限公司"), Industry = "物流", Region = "华南" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        var reason = Http.Unique("审计原因");
        await (await ops.PostJsonAsync($"/api/accounts/{account.Id}/tier-override", new { tier = "A", reason })).ExpectAsync(HttpStatusCode.OK);

        var page = await ops.GetAsync<AuditLogPage>($"/api/audit?entityType=Account&q={Uri.EscapeDataString(reason)}");

        var entry = Assert.Single(page.Items);
        Assert.Equal(("tier-overridden", account.Id), (entry.Action, entry.EntityId));
        Assert.Contains(reason, entry.Changes, StringComparison.Ordinal);
        Assert.NotEqual("system", entry.UserName);
    }

    [DbFact]
    public async Task The_audit_trail_is_newest_first_and_refuses_an_inverted_range()
    {
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var page = await admin.GetAsync<AuditLogPage>("/api/audit?pageSize=50");
        Assert.True(page.Total > 0);
        Assert.Equal(page.Items.OrderByDescending(e => e.At).Select(e => e.Id), page.Items.Select(e => e.Id));
        await (await admin.GetAsync("/api/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : AuditLogTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : AuditLogTests(app), IPostgresSuite;
}
