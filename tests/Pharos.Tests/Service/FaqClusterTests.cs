using System.Net;
using Pharos.Knowledge.Public;
using Pharos.Service.Faq;
using Pharos.Service.Portal;
using Pharos.Service.Public;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>The go-live week: many customers ask the same operation question in different words; the inbox groups them and drafts a FAQ.</summary>
public abstract class FaqClusterTests(ServiceDesk app)
{
    [DbFact]
    public async Task Repeated_operation_questions_form_a_cluster_and_one_call_drafts_a_FAQ_from_it()
    {
        var w = await app.WorldAsync();
        // Questions older than the window do not count; move past anything earlier tests of this desk opened.
        app.Clock.Advance(TimeSpan.FromDays(30));
        string[] asked = ["怎么导出报表？", "报表导出按钮在哪里", "如何把月度报表导出成Excel", "销售报表怎么导出", "导出报表在哪个菜单"];
        var ids = new List<Guid>();
        foreach (var (q, i) in asked.Select((q, i) => (q, i)))
        {
            var client = i % 2 == 0 ? w.A.One : w.B.One;
            var t = await (await client.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.OperationQuestion, q, q + " 下周上线。", null)))
                .ReadAsync<Pharos.Service.Tickets.TicketDetail>(HttpStatusCode.Created);
            ids.Add(t.Id);
            app.Clock.Advance(TimeSpan.FromHours(3));
        }
        var other = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.OperationQuestion, "如何重置子账号密码", "员工忘记密码了", null)))
            .ReadAsync<Pharos.Service.Tickets.TicketDetail>(HttpStatusCode.Created);
        var bug = await w.Agent.OpenedAsync(w.A.AccountId, "导出报表报错 500", kind: TicketKind.ProductionProblem); // not an operation question
        await (await w.Agent.ReplyAsync($"/api/tickets/{ids[0]}", "在「报表中心」右上角点「导出」，选择 Excel 即可。", status: TicketStatus.Resolved)).ExpectAsync(HttpStatusCode.OK);

        var clusters = await w.Agent.GetAsync<List<FaqCluster>>("/api/service/faq-clusters?days=7");

        var export = Assert.Single(clusters, c => c.Tickets.Any(t => t.Id == ids[0]));
        // Similarity has a threshold: the wordiest paraphrase ("如何把月度报表导出成Excel") may fall out, nothing else may come in.
        Assert.True(export.Tickets.All(t => ids.Contains(t.Id)) && export.Count >= 4,
            "cluster: " + string.Join(" | ", export.Tickets.Select(t => t.Subject)));
        Assert.DoesNotContain(clusters.SelectMany(c => c.Tickets), t => t.Id == other.Id || t.Id == bug.Id);
        Assert.False(export.Drafted);

        var draft = await (await w.Agent.PostJsonAsync("/api/service/faq-clusters/drafts", new FaqDraftInput([.. export.Tickets.Select(t => t.Id)], null))).ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created);
        var drafts = await w.Agent.GetAsync<List<FaqDraftRow>>("/api/knowledge/drafts");
        var made = Assert.Single(drafts, d => d.Id == draft.GetProperty("id").GetGuid());
        Assert.Equal(export.Count, made.SourceTickets);
        Assert.Contains("报表中心", made.Body);      // the answer an agent gave
        Assert.Contains("销售报表怎么导出", made.Body); // the ways customers asked
        Assert.True((await w.Agent.GetAsync<List<FaqCluster>>("/api/service/faq-clusters?days=7")).Single(c => c.Tickets.Any(t => t.Id == ids[0])).Drafted);

        await (await w.Agent.GetAsync("/api/service/faq-clusters?days=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "days");
        await (await w.Agent.PostJsonAsync("/api/service/faq-clusters/drafts", new FaqDraftInput([], null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "ticketIds");
        await (await w.Agent.PostJsonAsync("/api/service/faq-clusters/drafts", new FaqDraftInput([Guid.CreateVersion7()], null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "ticketIds");
        var sales = await app.ClientForRoleAsync(Pharos.Platform.Identity.Roles.Sales);
        await (await sales.PostJsonAsync("/api/service/faq-clusters/drafts", new FaqDraftInput(ids, null))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.A.Admin.GetAsync("/api/service/faq-clusters")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : FaqClusterTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : FaqClusterTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
