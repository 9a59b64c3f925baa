using System.Net;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Notifications;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>The SLA watch on a fake clock: warn the assignee, tell the group lead at the breach, then operations; a major incident tells the account team at once.</summary>
public abstract class EscalationTests(ServiceDesk app)
{
    private Task<List<string>> NoticesAsync(Guid userId, Guid ticketId) =>
        app.WithDbAsync(db => db.Set<Notification>().Where(n => n.UserId == userId && n.Link!.Contains(ticketId.ToString())).OrderBy(n => n.At).Select(n => n.Title).ToListAsync());

    [DbFact]
    public async Task A_ticket_nearing_its_deadline_warns_the_assignee_then_escalates_to_the_lead_and_to_operations()
    {
        var w = await app.WorldAsync();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "接口偶发 502", TicketPriority.Low, TicketKind.ProductionProblem, w.AgentId, w.GroupId);
        // First response is due in 240 minutes; the warning window is one hour.

        // Other tickets of this desk may be warned too: each step is checked on this ticket's own notices.
        await app.WatchAsync();
        Assert.Empty(await NoticesAsync(w.AgentId, t.Id));

        app.Clock.Advance(TimeSpan.FromMinutes(185));
        await app.WatchAsync();
        await app.WatchAsync(); // idempotent: one warning per deadline
        Assert.Single(await NoticesAsync(w.AgentId, t.Id));
        Assert.Empty(await NoticesAsync(w.LeadId, t.Id));
        Assert.Equal(SlaState.AtRisk, (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Sla);

        app.Clock.Advance(TimeSpan.FromMinutes(56));
        await app.WatchAsync();
        Assert.Single(await NoticesAsync(w.LeadId, t.Id));
        Assert.Empty(await NoticesAsync(w.OpsId, t.Id));
        var detail = await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}");
        Assert.Equal(SlaState.Breached, detail.Sla);
        Assert.Contains(detail.Entries, e => e.Field == "escalation" && e.NewValue == "2");
        Assert.Contains(t.Id, (await w.Agent.InboxAsync("sla=Breached&pageSize=200")).Items.Select(i => i.Id));

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await app.WatchAsync();
        await app.WatchAsync();
        Assert.Single(await NoticesAsync(w.OpsId, t.Id));

        // The first response is late; answering it ends that deadline, and the breach stays on the record.
        var answered = await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "正在排查网关日志。")).ReadAsync<TicketDetail>();
        Assert.False(answered.Targets.Single(x => x.Name == "firstResponse").Met);
        var mails = await app.WithDbAsync(db => db.Set<OutboxMail>().CountAsync(m => m.Subject.Contains(t.Number.ToString())));
        Assert.True(mails >= 3, $"expected mails for warning, breach and escalation, found {mails}");
    }

    [DbFact]
    public async Task Marking_a_major_incident_notifies_everyone_on_the_account_team_at_once()
    {
        var w = await app.WorldAsync();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "全部门店无法收银", TicketPriority.Urgent, TicketKind.ProductionProblem, w.AgentId, w.GroupId);

        var marked = await (await w.Agent.PatchAsync(t.Id, new { majorIncident = true })).ReadAsync<TicketDetail>();

        Assert.True(marked.IsMajorIncident);
        Assert.Single(await NoticesAsync(w.TeamMemberId, t.Id));
        Assert.Contains(t.Id, (await w.Agent.InboxAsync("majorIncident=true&open=true")).Items.Select(i => i.Id));
        // Another account's team hears nothing of it.
        var other = await w.Agent.OpenedAsync(w.B.AccountId, "B 公司的普通问题");
        await (await w.Agent.PatchAsync(other.Id, new { majorIncident = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await NoticesAsync(w.TeamMemberId, other.Id));
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : EscalationTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : EscalationTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
