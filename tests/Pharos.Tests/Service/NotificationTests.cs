using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Pharos.Platform.Notifications;
using Pharos.Service.Portal;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>Replies and status changes reach the customer by mail (here the pickup folder), and staff in the app.</summary>
public abstract class NotificationTests(ServiceDesk app)
{
    [DbFact]
    public async Task A_staff_reply_mails_the_customer_in_Chinese_and_a_customer_reply_notifies_the_assignee()
    {
        var w = await app.WorldAsync();
        var t = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.Account, "邮件通知测试", "请帮忙开通子账号", null)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);
        await (await w.Agent.PatchAsync(t.Id, new { assigneeId = w.AgentId })).ExpectAsync(HttpStatusCode.OK);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "已为您开通，请查收。", @internal: false)).ExpectAsync(HttpStatusCode.OK);
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "内部：不要发给客户", @internal: true)).ExpectAsync(HttpStatusCode.OK);

        var delivered = await app.Services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(default);

        Assert.True(delivered >= 1);
        var mails = Directory.GetFiles(Path.Combine(app.DataDirectory, "outbox"), "*.eml")
            .Select(f => MimeMessage.Load(f)).Where(m => (m.Subject ?? "").Contains($"#{t.Number}")).ToList();
        var toCustomer = Assert.Single(mails, m => m.To.Mailboxes.Any(x => x.Name == "李业务"));
        Assert.Contains("有新回复", toCustomer.Subject);
        Assert.Contains("已为您开通", toCustomer.TextBody ?? "");
        Assert.DoesNotContain(mails, m => (m.TextBody ?? "").Contains("不要发给客户"));
        Assert.Empty(await app.WithDbAsync(db => db.Set<OutboxMail>().Where(m => m.SentAt == null && m.Subject.Contains($"#{t.Number}")).ToListAsync()));

        await (await w.A.One.ReplyAsync($"/api/portal/tickets/{t.Id}", "收到，谢谢")).ExpectAsync(HttpStatusCode.OK);
        var inbox = await w.Agent.GetAsync<JsonElement>("/api/notifications");
        Assert.True(inbox.GetProperty("unread").GetInt32() >= 1);
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), n => (n.GetProperty("title").GetString() ?? "").Contains($"#{t.Number}") && n.GetProperty("link").GetString() == $"/service/tickets/{t.Id}");
        await (await w.Agent.PostAsync("/api/notifications/read", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (await w.Agent.GetAsync<JsonElement>("/api/notifications")).GetProperty("unread").GetInt32());
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : NotificationTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : NotificationTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
