using System.Net;
using Pharos.Service.Inbox;
using Pharos.Service.Public;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>The inbox: filters, the SLA sort and saved views.</summary>
public abstract class InboxTests(ServiceDesk app)
{
    [DbFact]
    public async Task The_inbox_sorts_by_the_next_deadline_and_filters_by_every_field()
    {
        var w = await app.WorldAsync();
        var tag = Http.Unique("tag");
        var low = await w.Agent.OpenedAsync(w.A.AccountId, "低优先级咨询", TicketPriority.Low, TicketKind.PresaleQuestion);
        var urgent = await w.Agent.OpenedAsync(w.A.AccountId, "紧急：无法登录", TicketPriority.Urgent, TicketKind.ProductionProblem, w.AgentId, w.GroupId);
        var waiting = await w.Agent.OpenedAsync(w.B.AccountId, "等待客户提供日志", TicketPriority.High);
        await (await w.Agent.PatchAsync(waiting.Id, new { status = "WaitingOnCustomer", tags = new[] { tag } })).ExpectAsync(HttpStatusCode.OK);

        var ids = new[] { low.Id, urgent.Id, waiting.Id };
        var byDue = (await w.Agent.InboxAsync("pageSize=200")).Items.Where(i => ids.Contains(i.Id)).Select(i => i.Id).ToList();
        Assert.Equal([urgent.Id, low.Id, waiting.Id], byDue); // a paused ticket has no running deadline and goes last

        async Task<List<Guid>> Find(string q) => (await w.Agent.InboxAsync(q + "&pageSize=200")).Items.Select(i => i.Id).Where(ids.Contains).ToList();
        Assert.Equal([urgent.Id], await Find("priority=Urgent"));
        Assert.Equal([low.Id], await Find("kind=PresaleQuestion"));
        Assert.Equal([waiting.Id], await Find("status=WaitingOnCustomer"));
        Assert.Equal([waiting.Id], await Find("sla=Paused"));
        Assert.Equal([urgent.Id], await Find($"assigneeId={w.AgentId}"));
        Assert.Equal([urgent.Id], await Find($"groupId={w.GroupId}"));
        Assert.Equal([waiting.Id], await Find($"accountId={w.B.AccountId}"));
        Assert.Equal([waiting.Id], await Find($"tag={tag}"));
        Assert.Equal([urgent.Id], await Find("q=" + Uri.EscapeDataString("无法登录")));
        Assert.Equal([urgent.Id], await Find($"q=%23{urgent.Number}"));
        Assert.Contains(urgent.Id, await Find("sla=AtRisk"));
        Assert.DoesNotContain(low.Id, await Find("sla=AtRisk"));
        Assert.Equal([urgent.Id, low.Id], await Find("tier=C&open=true&status=New"));

        await (await w.Agent.GetAsync("/api/tickets?priority=P1")).ExpectProblemAsync(HttpStatusCode.BadRequest, "priority");
        await (await w.Agent.GetAsync("/api/tickets?sort=colour")).ExpectProblemAsync(HttpStatusCode.BadRequest, "sort");
        await (await w.Agent.GetAsync("/api/tickets?pageSize=1000")).ExpectProblemAsync(HttpStatusCode.BadRequest, "pageSize");
    }

    [DbFact]
    public async Task Saved_views_belong_to_their_user()
    {
        var w = await app.WorldAsync();
        var name = Http.Unique("S 级紧急");
        var saved = await (await w.Agent.PostJsonAsync("/api/tickets/views", new SavedViewInput(name, "open=true&tier=S&priority=Urgent"))).ReadAsync<SavedViewRow>();

        var mine = await w.Agent.GetAsync<List<SavedViewRow>>("/api/tickets/views");
        Assert.Contains(mine, v => v.Name == name && v.Query == "open=true&tier=S&priority=Urgent");
        Assert.Contains(mine, v => v.BuiltIn && v.Query == "sla=AtRisk");
        var others = await w.Admin.GetAsync<List<SavedViewRow>>("/api/tickets/views");
        Assert.DoesNotContain(others, v => v.Name == name);

        await (await w.Admin.DeleteAsync($"/api/tickets/views/{saved.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await w.Agent.PostJsonAsync("/api/tickets/views", new SavedViewInput("", "x=1"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await w.Agent.DeleteAsync($"/api/tickets/views/{saved.Id}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : InboxTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : InboxTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
