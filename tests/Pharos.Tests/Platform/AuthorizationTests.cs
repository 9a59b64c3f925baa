using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pharos.Customers.Accounts;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Platform;

/// <summary>
/// Who may do what, through HTTP, against <see cref="Permissions.Matrix"/>: one sample endpoint per permission,
/// called with a request that writes nothing (a bad body, an unknown id, a preview), so "allowed" shows as any
/// answer but 401/403 and "not allowed" as 403.
/// </summary>
public abstract class AuthorizationTests(DemoBook app)
{
    public sealed record Probe(HttpMethod Method, string Url, string? Body, string MediaType = "application/json")
    {
        public HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(Method, Url);
            if (Body is not null) request.Content = new StringContent(Body, Encoding.UTF8, MediaType);
            return request;
        }
    }

    /// <summary>A sample endpoint for every permission.</summary>
    public static readonly IReadOnlyDictionary<string, Probe?> Samples = new Dictionary<string, Probe?>
    {
        [Permissions.CustomersRead] = new(HttpMethod.Get, "/api/accounts?pageSize=1", null),
        [Permissions.CustomersWrite] = new(HttpMethod.Post, "/api/accounts", """{"name":"","industry":"","region":""}"""),
        [Permissions.TierOverride] = new(HttpMethod.Post, $"/api/accounts/{Guid.Empty}/tier-override", """{"tier":"A","reason":"matrix"}"""),
        [Permissions.TierRules] = new(HttpMethod.Post, "/api/tiering/rules/preview", "{}"),
        [Permissions.Entitlements] = new(HttpMethod.Put, "/api/entitlements", $$$"""{"s":{"notes":"{{{new string('x', 501)}}}"}}"""),
        [Permissions.Import] = new(HttpMethod.Post, "/api/imports/accounts", "", "text/csv"),
        [Permissions.Export] = new(HttpMethod.Get, "/api/accounts/export?q=matrix-matches-nothing", null),
        [Permissions.UsersManage] = new(HttpMethod.Post, "/api/users", "{}"),
        [Permissions.AuditRead] = new(HttpMethod.Get, "/api/audit?pageSize=1", null),
        [Permissions.ServiceAdmin] = new(HttpMethod.Post, "/api/service/sla/preview", "{}"),
        [Permissions.TicketsRead] = new(HttpMethod.Get, "/api/tickets?pageSize=1", null),
        [Permissions.TicketsWork] = new(HttpMethod.Post, "/api/tickets", "{}"),
        [Permissions.ServiceReports] = new(HttpMethod.Get, "/api/service/reports?from=2026-01-05&to=2026-01-12", null),
        [Permissions.AnalyticsRead] = new(HttpMethod.Get, "/api/analytics/events?days=1", null),
        [Permissions.AnalyticsAdmin] = new(HttpMethod.Post, "/api/analytics/sources", """{"name":""}"""),
    };

    /// <summary>Staff endpoints beyond the samples that a portal user or an anonymous caller must not reach either.</summary>
    private static readonly Probe[] MoreStaffEndpoints =
    [
        new(HttpMethod.Get, "/api/users", null),
        new(HttpMethod.Get, "/api/me/tokens", null),
        new(HttpMethod.Post, "/api/me/tokens", """{"name":"portal"}"""),
        new(HttpMethod.Get, "/api/tiering/dashboard", null),
        new(HttpMethod.Get, "/api/tiering/rules", null),
        new(HttpMethod.Put, "/api/tiering/rules", "{}"),
        new(HttpMethod.Post, "/api/tiering/recompute", null),
        new(HttpMethod.Get, "/api/entitlements", null),
        new(HttpMethod.Get, $"/api/imports/{Guid.Empty}", null),
        new(HttpMethod.Post, $"/api/imports/{Guid.Empty}/confirm", null),
        new(HttpMethod.Get, $"/api/contacts/{Guid.Empty}", null),
        new(HttpMethod.Delete, $"/api/contacts/{Guid.Empty}", null),
        new(HttpMethod.Post, $"/api/accounts/{Guid.Empty}/team", """{"userId":null}"""),
        new(HttpMethod.Get, $"/api/tickets/{Guid.Empty}", null),
        new(HttpMethod.Patch, $"/api/tickets/{Guid.Empty}", "{}"),
        new(HttpMethod.Post, $"/api/tickets/{Guid.Empty}/replies", """{"body":"x"}"""),
        new(HttpMethod.Get, $"/api/tickets/{Guid.Empty}/attachments/{Guid.Empty}", null),
        new(HttpMethod.Get, "/api/tickets/views", null),
        new(HttpMethod.Get, "/api/service/groups", null),
        new(HttpMethod.Post, "/api/service/groups", """{"name":"x"}"""),
        new(HttpMethod.Get, $"/api/tickets/{Guid.Empty}/bug", null),
        new(HttpMethod.Put, $"/api/tickets/{Guid.Empty}/bug/reproduction", "{}"),
        new(HttpMethod.Post, $"/api/tickets/{Guid.Empty}/bug/handover", "{}"),
        new(HttpMethod.Get, "/api/service/bug-categories", null),
        new(HttpMethod.Post, "/api/service/bug-categories", """{"name":"x"}"""),
        new(HttpMethod.Get, "/api/service/bug-report", null),
        new(HttpMethod.Get, "/api/service/faq-clusters", null),
        new(HttpMethod.Post, "/api/service/faq-clusters/drafts", "{}"),
        new(HttpMethod.Get, "/api/knowledge/drafts", null),
        new(HttpMethod.Get, "/api/service/reports/export?format=csv", null),
        new(HttpMethod.Get, "/api/analytics/sources", null),
        new(HttpMethod.Post, $"/api/analytics/sources/{Guid.Empty}/revoke", null),
        new(HttpMethod.Post, "/api/analytics/erasures", """{"person":"x"}"""),
        new(HttpMethod.Get, "/api/analytics/properties", null),
    ];

    public static TheoryData<string, string> RolesAndPermissions()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Roles.Staff)
            foreach (var permission in Permissions.Matrix.Keys.Where(p => Samples[p] is not null))
                data.Add(role, permission);
        return data;
    }

    [Fact]
    public void Every_permission_in_the_matrix_has_a_sample_endpoint()
    {
        Assert.Equal(Permissions.Matrix.Keys.Order(), Samples.Keys.Order());
        Assert.All(Samples.Values, Assert.NotNull);
    }

    [DbTheory]
    [MemberData(nameof(RolesAndPermissions))]
    public async Task Each_role_reaches_exactly_the_endpoints_its_permissions_allow(string role, string permission)
    {
        var client = await app.ClientForRoleAsync(role);
        using var request = Samples[permission]!.Request();

        var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        if (Permissions.Allows(role, permission))
        {
            Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.InternalServerError),
                $"{role} has {permission}: {request.Method} {request.RequestUri} gave {(int)response.StatusCode} {body}");
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} lacks {permission}: {request.Method} {request.RequestUri} gave {(int)response.StatusCode} {body}");
        }
    }

    [DbFact]
    public async Task Without_credentials_every_staff_endpoint_answers_401()
    {
        var anonymous = app.Anonymous();

        foreach (var probe in Samples.Values.OfType<Probe>().Concat(MoreStaffEndpoints).Append(new(HttpMethod.Get, "/api/me", null)))
        {
            using var request = probe.Request();
            var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{probe.Method} {probe.Url} gave {(int)response.StatusCode}");
        }
    }

    [DbTheory]
    [InlineData("phr_0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-pharos-token")]
    [InlineData("")]
    public async Task An_unknown_bearer_token_is_401(string token)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);

        await (await client.GetAsync("/api/accounts")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [DbFact]
    public async Task A_revoked_token_is_401()
    {
        var email = Http.Unique("revoke") + "@tests.local";
        var id = await app.CreateStaffAsync(email, Roles.Analyst);
        var client = app.WithToken(await app.CreateTokenAsync(id));
        await (await client.GetAsync("/api/accounts?pageSize=1")).ExpectAsync(HttpStatusCode.OK);
        var tokens = await client.GetAsync<List<TokenRow>>("/api/me/tokens");

        await (await client.DeleteAsync($"/api/me/tokens/{tokens.Single().Id}")).ExpectAsync(HttpStatusCode.NoContent);

        await (await client.GetAsync("/api/accounts?pageSize=1")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [DbFact]
    public async Task A_locked_out_user_is_401_even_with_a_valid_token()
    {
        var email = Http.Unique("locked") + "@tests.local";
        var id = await app.CreateStaffAsync(email, Roles.Analyst);
        var client = app.WithToken(await app.CreateTokenAsync(id));
        await app.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PharosUser>>();
            return await users.SetLockoutEndDateAsync((await users.FindByIdAsync(id.ToString()))!, DateTimeOffset.UtcNow.AddDays(1));
        });

        await (await client.GetAsync("/api/accounts?pageSize=1")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [DbFact]
    public async Task A_token_request_is_not_held_up_when_its_last_used_time_cannot_be_written()
    {
        var email = Http.Unique("busy") + "@tests.local";
        var client = app.WithToken(await app.CreateTokenAsync(await app.CreateStaffAsync(email, Roles.Analyst)));
        // Another writer holds the lock the token's "last used" update needs, as a long import does on SQLite.
        await using var scope = app.Services.CreateAsyncScope();
        var blocker = scope.ServiceProvider.GetRequiredService<PharosDb>();
        await using var tx = await blocker.Database.BeginTransactionAsync();
        if (!blocker.Database.IsSqlite())
        {
            var lockTokens = "LOCK TABLE \"" + blocker.Model.FindEntityType(typeof(ApiToken))!.GetTableName() + "\" IN EXCLUSIVE MODE";
            await blocker.Database.ExecuteSqlRawAsync(lockTokens);
        }
        else
            await blocker.Database.ExecuteSqlRawAsync("UPDATE \"AspNetRoles\" SET \"ConcurrencyStamp\" = \"ConcurrencyStamp\"");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.GetAsync("/api/accounts?pageSize=1");

        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        await tx.RollbackAsync();
    }

    [DbFact]
    public async Task A_user_with_a_one_time_password_may_use_no_API_until_it_is_changed()
    {
        var email = Http.Unique("one-time") + "@tests.local";
        var id = await app.CreateStaffAsync(email, Roles.Admin);
        await app.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PharosUser>>();
            var user = (await users.FindByIdAsync(id.ToString()))!;
            user.MustChangePassword = true;
            return await users.UpdateAsync(user);
        });
        var client = app.WithToken(await app.CreateTokenAsync(id));

        var problem = await (await client.GetAsync("/api/accounts?pageSize=1")).ExpectProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("password", problem.GetProperty("title").GetString());
    }

    // ---- Portal users: a contact's login, bound to one account, no staff permission at all.

    private Task<(Guid AccountId, HttpClient Client)> PortalUserAsync() => app.PortalUserAsync();

    [DbFact]
    public async Task Portal_user_cannot_read_accounts()
    {
        var (accountId, portal) = await PortalUserAsync();

        await (await portal.GetAsync("/api/accounts")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await portal.GetAsync($"/api/accounts/{accountId}")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await portal.GetAsync($"/api/accounts/{accountId}/contacts")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [DbFact]
    public async Task Portal_user_gets_403_on_every_staff_endpoint()
    {
        var (_, portal) = await PortalUserAsync();

        foreach (var probe in Samples.Values.OfType<Probe>().Concat(MoreStaffEndpoints))
        {
            using var request = probe.Request();
            var response = await portal.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{probe.Method} {probe.Url} gave {(int)response.StatusCode}");
        }
    }

    [DbFact]
    public async Task Portal_user_is_signed_in_as_themselves()
    {
        var (accountId, portal) = await PortalUserAsync();

        var me = await portal.GetAsync<System.Text.Json.JsonElement>("/api/me");

        Assert.Equal("Portal", me.GetProperty("kind").GetString());
        Assert.Equal(accountId, me.GetProperty("accountId").GetGuid());
        Assert.Equal([Roles.Portal], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [DbFact]
    public async Task Portal_users_get_no_api_tokens()
    {
        var accountId = await app.WithDbAsync(db => db.Set<Account>().Select(a => a.Id).FirstAsync());
        var email = Http.Unique("portal-token") + "@customer.example.cn";

        var e = await Assert.ThrowsAsync<RuleViolation>(() => app.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PharosUser>>();
            var user = new PharosUser { Email = email, UserName = email, DisplayName = "门户", Kind = UserKind.Portal, AccountId = accountId, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, PharosApp.TestPassword)).Succeeded);
            return await sp.GetRequiredService<ApiTokens>().CreateAsync(user.Id, "x", Actor.System);
        }));
        Assert.Contains("staff", e.Message);
    }

    [DbFact]
    public async Task A_portal_login_made_from_a_contact_belongs_to_the_contacts_account()
    {
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var account = await (await admin.PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("门户客户有限公司"), Industry = "零售", Region = "华东" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        var email = Http.Unique("kehu") + "@customer.example.cn";
        var contact = await (await admin.PostJsonAsync($"/api/accounts/{account.Id}/contacts", new Pharos.Customers.Contacts.ContactInput { Name = "门户联系人", Email = email }))
            .ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created);
        var contactId = contact.GetProperty("id").GetGuid();
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        await (await ops.PostJsonAsync($"/api/contacts/{contactId}/portal-login", new { password = PharosApp.TestPassword })).ExpectAsync(HttpStatusCode.Forbidden);

        var login = await (await admin.PostJsonAsync($"/api/contacts/{contactId}/portal-login", new { password = PharosApp.TestPassword })).ReadAsync<UserRow>(HttpStatusCode.Created);

        Assert.Equal((UserKind.Portal, account.Id, email), (login.Kind, login.AccountId, login.Email));
        Assert.Equal([Roles.Portal], login.Roles);
        await (await admin.PostJsonAsync($"/api/contacts/{contactId}/portal-login", new { password = PharosApp.TestPassword })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/contacts/{contactId}")).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [DbFact]
    public async Task A_contact_without_email_gets_no_portal_login()
    {
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var accountId = await app.WithDbAsync(db => db.Set<Account>().Select(a => a.Id).FirstAsync());
        var contact = await (await admin.PostJsonAsync($"/api/accounts/{accountId}/contacts", new Pharos.Customers.Contacts.ContactInput { Name = Http.Unique("无邮箱") }))
            .ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created);

        await (await admin.PostJsonAsync($"/api/contacts/{contact.GetProperty("id").GetGuid()}/portal-login", new { password = PharosApp.TestPassword }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "email");
    }

    [DbTheory]
    [InlineData(UserKind.Portal, false)]
    [InlineData(UserKind.Staff, true)]
    public async Task A_user_whose_kind_and_account_disagree_cannot_be_saved(UserKind kind, bool withAccount)
    {
        var accountId = withAccount ? await app.WithDbAsync(db => db.Set<Account>().Select(a => (Guid?)a.Id).FirstAsync()) : null;
        var email = Http.Unique("orphan") + "@customer.example.cn";

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => app.InScopeAsync(sp =>
            sp.GetRequiredService<UserManager<PharosUser>>().CreateAsync(new PharosUser
            {
                Email = email, UserName = email, DisplayName = "不一致", Kind = kind, AccountId = accountId, CreatedAt = DateTimeOffset.UtcNow,
            }, PharosApp.TestPassword)));

        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : AuthorizationTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : AuthorizationTests(app), IPostgresSuite;
}
