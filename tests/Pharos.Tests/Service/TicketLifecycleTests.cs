using System.Net;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>A ticket from opening to rating, through HTTP, with the SLA clock watched at each step.</summary>
public abstract class TicketLifecycleTests(ServiceDesk app)
{
    [DbFact]
    public async Task A_ticket_runs_from_opening_to_rating_with_the_clock_paused_while_waiting_on_the_customer()
    {
        var w = await app.WorldAsync();
        var opened = app.Clock.GetUtcNow();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "月度报表导出失败", TicketPriority.Urgent, TicketKind.ProductionProblem, w.AgentId);

        Assert.Equal(TicketStatus.New, t.Status);
        Assert.True(t.Number > 1000);
        Assert.Equal(opened.AddMinutes(60), t.Targets.Single(x => x.Name == "firstResponse").DueAt);
        Assert.Equal(opened.AddMinutes(480), t.Targets.Single(x => x.Name == "resolution").DueAt);
        Assert.Equal(SlaState.AtRisk, t.Sla); // a 60-minute target is inside the 1-hour warning from the start

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "内部：可能是导出服务超时", @internal: true);
        var replied = await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "请提供**报错截图**和操作时间。", status: TicketStatus.WaitingOnCustomer)).ReadAsync<TicketDetail>();
        Assert.Equal(TicketStatus.WaitingOnCustomer, replied.Status);
        Assert.Equal(SlaState.Paused, replied.Sla);
        Assert.True(replied.Targets.Single(x => x.Name == "firstResponse").Met);

        // Three hours waiting on the customer do not count against the resolution target.
        app.Clock.Advance(TimeSpan.FromHours(3));
        var customerReply = await (await w.A.Admin.ReplyAsync($"/api/portal/tickets/{t.Id}", "截图见附件，上午 10 点操作的。")).ReadAsync<TicketDetail>();
        Assert.Equal(TicketStatus.Open, customerReply.Status);
        var staffView = await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}");
        Assert.Equal(opened.AddMinutes(480).AddHours(3), staffView.Targets.Single(x => x.Name == "resolution").DueAt);
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(120), staffView.Targets.Single(x => x.Name == "nextResponse").DueAt);

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var resolved = await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "已修复，请重试。", status: TicketStatus.Resolved)).ReadAsync<TicketDetail>();
        Assert.Equal(TicketStatus.Resolved, resolved.Status);
        Assert.Equal(SlaState.Met, resolved.Sla);
        Assert.All(resolved.Targets, x => Assert.True(x.Met));

        var rated = await (await w.A.Admin.PostJsonAsync($"/api/portal/tickets/{t.Id}/rating", new RatingInput(5, "响应很快"))).ReadAsync<TicketDetail>();
        Assert.Equal(5, rated.CsatScore);

        var history = (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Entries;
        Assert.Equal(["New→WaitingOnCustomer", "WaitingOnCustomer→Open", "Open→Resolved"],
            history.Where(e => e.Field == "status").Select(e => $"{e.OldValue}→{e.NewValue}"));
        Assert.Contains(history, e => e.Type == EntryType.Note);
        Assert.Contains(history, e => e.Field == "rating" && e.NewValue == "5");
    }

    [DbFact]
    public async Task A_customer_reply_within_the_reopen_period_reopens_and_after_it_the_ticket_is_closed()
    {
        var w = await app.WorldAsync();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "如何修改发票抬头");
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "在「财务-发票设置」中修改。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromDays(2));

        var reopened = await (await w.A.Admin.ReplyAsync($"/api/portal/tickets/{t.Id}", "没有找到这个菜单")).ReadAsync<TicketDetail>();
        Assert.Equal(TicketStatus.Open, reopened.Status);

        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "菜单在右上角。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromDays(8));
        var run = await app.WatchAsync();
        Assert.True(run.Closed >= 1);
        Assert.Equal(TicketStatus.Closed, (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Status);

        var late = await (await w.A.Admin.ReplyAsync($"/api/portal/tickets/{t.Id}", "又不行了")).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("closed", late.GetProperty("detail").GetString());
        // Staff may annotate a closed ticket, not talk to the customer on it.
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "已关闭工单的公开回复")).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "内部：客户又来问了，已引导新建工单", @internal: true)).ExpectAsync(HttpStatusCode.OK);
    }

    [DbFact]
    public async Task Raising_the_priority_moves_the_deadlines_to_the_stricter_policy()
    {
        var w = await app.WorldAsync();
        var opened = app.Clock.GetUtcNow();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "希望增加批量导入功能", TicketPriority.Low);
        Assert.Equal(opened.AddMinutes(240), t.Targets.Single(x => x.Name == "firstResponse").DueAt);

        var raised = await (await w.Agent.PatchAsync(t.Id, new { priority = "High" })).ReadAsync<TicketDetail>();

        Assert.Equal(opened.AddMinutes(60), raised.Targets.Single(x => x.Name == "firstResponse").DueAt);
        Assert.Contains(raised.Entries, e => e.Field == "priority" && e.OldValue == "Low" && e.NewValue == "High");
    }

    [DbFact]
    public async Task Closing_an_unresolved_ticket_is_refused_naming_the_status()
    {
        var w = await app.WorldAsync();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "账号被锁定");

        await (await w.Agent.PatchAsync(t.Id, new { status = "Closed" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "status");
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : TicketLifecycleTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : TicketLifecycleTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
