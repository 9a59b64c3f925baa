using System.Net;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Platform;

/// <summary>Every page has an authorization rule: anonymous visitors go to sign-in, roles without the permission get 403.</summary>
public abstract class PageAuthorizationTests(DemoBook app)
{
    /// <summary>Page → the permission (policy) it requires; null means any signed-in user.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Pages = new Dictionary<string, string?>
    {
        ["/accounts"] = Permissions.CustomersRead,
        ["/accounts/new"] = Permissions.CustomersWrite,
        ["/contacts"] = Permissions.CustomersRead,
        ["/tiers"] = Permissions.CustomersRead,
        ["/tiers/rules"] = Permissions.CustomersRead,
        ["/tiers/entitlements"] = Permissions.CustomersRead,
        ["/import"] = Permissions.Import,
        ["/admin/users"] = Permissions.UsersManage,
        ["/admin/audit"] = Permissions.AuditRead,
        ["/service/levels"] = Permissions.CustomersRead,
        ["/service/inbox"] = Permissions.TicketsRead,
        ["/service/bugs"] = Permissions.TicketsRead,
        ["/knowledge/drafts"] = Permissions.TicketsRead,
        ["/service/reports"] = Permissions.ServiceReports,
        ["/analytics/sources"] = Permissions.AnalyticsAdmin,
        ["/analytics"] = Permissions.AnalyticsRead,
        ["/analytics/trends"] = Permissions.AnalyticsRead,
        ["/analytics/funnels"] = Permissions.AnalyticsRead,
        ["/analytics/retention"] = Permissions.AnalyticsRead,
        ["/analytics/paths"] = Permissions.AnalyticsRead,
        ["/analytics/website"] = Permissions.AnalyticsRead,
        ["/analytics/insights"] = Permissions.AnalyticsRead,
        ["/service/tickets/new"] = Permissions.TicketsWork,
        [$"/service/tickets/{Guid.Empty}"] = Permissions.TicketsRead,
        ["/profile"] = null,
    };

    public static TheoryData<string, string> RolesAndPages()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Roles.Staff)
            foreach (var page in Pages.Keys)
                data.Add(role, page);
        return data;
    }

    [DbTheory]
    [MemberData(nameof(RolesAndPages))]
    public async Task Each_role_sees_exactly_the_pages_its_permissions_allow(string role, string page)
    {
        var client = await app.ClientForRoleAsync(role);
        var response = await client.GetAsync(page);
        var allowed = Pages[page] is not { } permission || Permissions.Allows(role, permission);
        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
    }

    [DbFact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_from_every_page()
    {
        var anonymous = app.Anonymous();
        foreach (var page in Pages.Keys.Append("/portal").Append("/"))
        {
            var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.AbsolutePath : response.Headers.Location.OriginalString, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/login")).StatusCode);
    }

    [DbFact]
    public async Task Portal_users_reach_no_staff_page()
    {
        var (_, portal) = await app.PortalUserAsync();
        foreach (var page in Pages.Where(p => p.Value is not null).Select(p => p.Key))
            Assert.Equal(HttpStatusCode.Forbidden, (await portal.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync("/portal")).StatusCode);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : PageAuthorizationTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : PageAuthorizationTests(app), IPostgresSuite;
}
