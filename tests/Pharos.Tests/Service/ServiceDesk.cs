using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Public;
using Pharos.Customers.Teams;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Service.Calendars;
using Pharos.Service.Escalation;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Service.Sla;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>
/// A service desk on a fake clock: a 7×24 calendar, a policy for every tier × priority, two customer accounts with
/// portal users of each contact role, agents in a group with a lead, an operations manager. The SLA watch is run by
/// the tests (not by its timer) so that each step is observed.
/// </summary>
public abstract class ServiceDesk : PharosApp
{
    /// <summary>Monday 2026-06-01 09:00 in Shanghai.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 1, 0, 0, TimeSpan.Zero));
    private readonly SemaphoreSlim _setup = new(1, 1);
    private World? _world;

    public sealed record Customer(Guid AccountId, string Name, Guid AdminUser, HttpClient Admin, Guid UserOne, HttpClient One, Guid UserTwo, HttpClient Two,
        Guid AdminContact, Guid OneContact);

    public sealed record World(Customer A, Customer B, Guid AgentId, HttpClient Agent, Guid LeadId, Guid OpsId, Guid TeamMemberId, Guid GroupId, HttpClient Admin);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(Clock);
        // Background loops on PeriodicTimers would tick once per period on every Advance (a 5-second outbox loop fires
        // half a million times over 30 fake days); the SLA watch is run by the tests, the others are not under test here.
        Type[] loops = [typeof(SlaEscalationSchedule), typeof(Pharos.Customers.Tiering.TieringSchedule)];
        foreach (var d in services.Where(d => d.ServiceType == typeof(IHostedService) && (loops.Contains(d.ImplementationType) || d.ImplementationFactory is not null)).ToList())
            services.Remove(d);
    }

    public async Task<World> WorldAsync()
    {
        await _setup.WaitAsync();
        try { return _world ??= await BuildAsync(); }
        finally { _setup.Release(); }
    }

    public Task<EscalationRun> WatchAsync() => InScopeAsync(sp => sp.GetRequiredService<SlaEscalation>().RunOnceAsync(default));

    private async Task<World> BuildAsync()
    {
        var admin = await AdminAsync();
        var calendar = await (await admin.PostJsonAsync("/api/service/calendars", new CalendarInput("7×24", BusinessCalendar.SevenByTwentyFour(), true)))
            .ReadAsync<CalendarRow>(System.Net.HttpStatusCode.Created);
        var rows = (from t in Enum.GetValues<Tier>()
                    from p in Enum.GetValues<TicketPriority>()
                    select p == TicketPriority.Low
                        ? new SlaPolicyRow(t, p, null, calendar.Id, 240, 240, 960)
                        : new SlaPolicyRow(t, p, null, calendar.Id, 60, 120, 480)).ToList();
        await (await admin.PutJsonAsync("/api/service/sla/policies", rows)).ExpectAsync(System.Net.HttpStatusCode.OK);

        var agentId = await CreateStaffAsync("agent@tests.local", Roles.Support);
        var leadId = await CreateStaffAsync("lead@tests.local", Roles.Support);
        var opsId = await CreateStaffAsync("ops-manager@tests.local", Roles.Operations);
        var teamId = await CreateStaffAsync("csm@tests.local", Roles.CustomerSuccess);
        var group = await (await admin.PostJsonAsync("/api/service/groups", new SupportGroupInput("一线支持", leadId))).ReadAsync<SupportGroupRow>(System.Net.HttpStatusCode.Created);

        var a = await CustomerAsync(admin, "上海示例制造有限公司");
        var b = await CustomerAsync(admin, "北京另一家科技有限公司");
        await (await admin.PostJsonAsync($"/api/accounts/{a.AccountId}/team", new AddTeamMemberRequest(teamId, Pharos.Customers.Teams.TeamRole.CustomerSuccess)))
            .ExpectAsync(System.Net.HttpStatusCode.Created);
        return new World(a, b, agentId, await ClientForAsync("agent@tests.local"), leadId, opsId, teamId, group.Id, admin);
    }

    private async Task<Customer> CustomerAsync(HttpClient admin, string name)
    {
        var account = await (await admin.PostJsonAsync("/api/accounts", new AccountInput { Name = name, Industry = "制造", Region = "华东", AnnualContractValue = 0 }))
            .ReadAsync<AccountDetail>(System.Net.HttpStatusCode.Created);
        async Task<Guid> Contact(string who, ContactRole role) =>
            (await (await admin.PostJsonAsync($"/api/accounts/{account.Id}/contacts", new ContactInput { Name = who, Email = Http.Unique("c") + "@customer.example.cn", Role = role }))
                .ReadAsync<System.Text.Json.JsonElement>(System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var adminContact = await Contact("王管理员", ContactRole.Administrator);
        var oneContact = await Contact("李业务", ContactRole.BusinessUser);
        var twoContact = await Contact("张业务", ContactRole.BusinessUser);
        var (adminUser, adminClient) = await PortalClientForContactAsync(adminContact);
        var (one, oneClient) = await PortalClientForContactAsync(oneContact);
        var (two, twoClient) = await PortalClientForContactAsync(twoContact);
        return new Customer(account.Id, name, adminUser, adminClient, one, oneClient, two, twoClient, adminContact, oneContact);
    }
}

public sealed class ServiceDeskOnSqlite : ServiceDesk
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ServiceDeskOnPostgres : ServiceDesk
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
