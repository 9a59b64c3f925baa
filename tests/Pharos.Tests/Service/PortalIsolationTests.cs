using System.Net;
using Pharos.Service.Inbox;
using Pharos.Service.Portal;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>
/// What a portal user can reach, tried by guessing ids: their account's tickets (all of them for a customer
/// administrator, their own for a business user), never internal notes, never another account's anything — and
/// "not found" rather than "forbidden", so a guess confirms nothing.
/// </summary>
public abstract class PortalIsolationTests(ServiceDesk app)
{
    private sealed record Case(string Who, string Ticket, bool Sees);

    [DbFact]
    public async Task Each_portal_user_sees_exactly_the_tickets_their_role_allows_and_a_404_for_the_rest()
    {
        var w = await app.WorldAsync();
        var byOne = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.OperationQuestion, "李业务的问题", "怎么导出报表？", null)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);
        var byStaff = await w.Agent.OpenedAsync(w.A.AccountId, "员工代开的工单");
        var ofB = await (await w.B.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.Finance, "B 公司的发票", "发票抬头错了", null)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);
        var clients = new Dictionary<string, HttpClient> { ["A admin"] = w.A.Admin, ["A one"] = w.A.One, ["A two"] = w.A.Two, ["B admin"] = w.B.Admin, ["B one"] = w.B.One };
        var tickets = new Dictionary<string, Guid> { ["A by one"] = byOne.Id, ["A by staff"] = byStaff.Id, ["B by one"] = ofB.Id, ["nonexistent"] = Guid.CreateVersion7() };
        Case[] matrix =
        [
            new("A admin", "A by one", true), new("A admin", "A by staff", true), new("A admin", "B by one", false),
            new("A one", "A by one", true), new("A one", "A by staff", false), new("A one", "B by one", false),
            new("A two", "A by one", false), new("A two", "A by staff", false), new("A two", "B by one", false),
            new("B admin", "A by one", false), new("B admin", "A by staff", false), new("B admin", "B by one", true),
            new("B one", "A by one", false), new("B one", "B by one", true),
        ];
        var failures = new List<string>();
        foreach (var c in matrix.Concat(clients.Keys.Select(who => new Case(who, "nonexistent", false))))
        {
            var client = clients[c.Who];
            var id = tickets[c.Ticket];
            var expected = c.Sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            var probes = new (string Action, Func<Task<HttpResponseMessage>> Call)[]
            {
                ("read", () => client.GetAsync($"/api/portal/tickets/{id}")),
                ("reply", () => client.ReplyAsync($"/api/portal/tickets/{id}", "追问一下")),
                ("rate", () => client.PostJsonAsync($"/api/portal/tickets/{id}/rating", new RatingInput(3, null))),
                ("download", () => client.GetAsync($"/api/portal/tickets/{id}/attachments/{Guid.CreateVersion7()}")),
            };
            foreach (var (action, call) in probes)
            {
                var status = (await call()).StatusCode;
                // A visible ticket still refuses a rating while open (409) and an unknown attachment (404): only "not 404" is asked of it.
                var ok = c.Sees ? action switch { "read" or "reply" => status == HttpStatusCode.OK, _ => status is not HttpStatusCode.Forbidden } : status == expected;
                if (!ok) failures.Add($"{c.Who} {action} {c.Ticket}: {(int)status}");
            }
            var listed = (await client.GetAsync<TicketResults>("/api/portal/tickets?pageSize=200")).Items.Any(i => i.Id == id);
            if (listed != c.Sees) failures.Add($"{c.Who} list {c.Ticket}: listed={listed}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [DbFact]
    public async Task A_portal_user_never_sees_internal_notes_or_their_files_or_staff_names()
    {
        var w = await app.WorldAsync();
        var t = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.Account, "无法添加子账号", "提示超出席位", null)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);
        await (await w.Agent.PostMultipartAsync($"/api/tickets/{t.Id}/replies", new { body = "内部：该客户席位已满，需销售确认是否扩容", @internal = true }, ("seats.png", TicketClient.Png)))
            .ExpectAsync(HttpStatusCode.OK);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "我们正在确认席位数量。")).ExpectAsync(HttpStatusCode.OK);
        var staffView = await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}");
        var noteFile = staffView.Entries.Single(e => e.Type == EntryType.Note).Attachments.Single();

        var customerView = await w.A.One.GetAsync<TicketDetail>($"/api/portal/tickets/{t.Id}");
        var raw = await (await w.A.One.GetAsync($"/api/portal/tickets/{t.Id}")).Content.ReadAsStringAsync();

        Assert.DoesNotContain(customerView.Entries, e => e.Type == EntryType.Note);
        Assert.DoesNotContain("席位已满", raw);
        Assert.DoesNotContain("seats.png", raw);
        Assert.Null(customerView.GroupName);
        Assert.Contains(customerView.Entries, e => e.Body == "我们正在确认席位数量。");
        await (await w.A.One.GetAsync($"/api/portal/tickets/{t.Id}/attachments/{noteFile.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await w.A.Admin.GetAsync($"/api/portal/tickets/{t.Id}/attachments/{noteFile.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        var staffDownload = await w.Agent.GetAsync($"/api/tickets/{t.Id}/attachments/{noteFile.Id}");
        Assert.Equal(TicketClient.Png, await staffDownload.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", staffDownload.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [DbFact]
    public async Task A_portal_user_cannot_write_internal_notes_set_the_status_or_reach_the_staff_ticket_api()
    {
        var w = await app.WorldAsync();
        var t = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.OperationQuestion, "权限问题", "看不到菜单", TicketPriority.Urgent)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);
        Assert.Equal(TicketPriority.High, t.Priority); // urgent is for staff to declare

        await (await w.A.One.ReplyAsync($"/api/portal/tickets/{t.Id}", "偷偷写内部备注", @internal: true)).ExpectProblemAsync(HttpStatusCode.BadRequest, "internal");
        await (await w.A.One.ReplyAsync($"/api/portal/tickets/{t.Id}", "自己关掉", status: TicketStatus.Resolved)).ExpectProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await w.A.One.GetAsync($"/api/tickets/{t.Id}")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.A.One.GetAsync("/api/tickets")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.A.One.PatchAsync(t.Id, new { status = "Resolved" })).ExpectAsync(HttpStatusCode.Forbidden);
        // Staff hold no portal scope: the portal API is for customers only.
        await (await w.Agent.GetAsync("/api/portal/tickets")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await app.Anonymous().GetAsync("/api/portal/tickets")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : PortalIsolationTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : PortalIsolationTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
