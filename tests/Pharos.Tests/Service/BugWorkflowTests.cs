using System.Net;
using Pharos.Service.Bugs;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>Reproduce → classify → coordinate: each step refuses until the one before it has given development what it needs.</summary>
public abstract class BugWorkflowTests(ServiceDesk app)
{
    private async Task<(Guid Root, Guid Leaf)> CategoriesAsync(ServiceDesk.World w)
    {
        var root = await (await w.Admin.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput(Http.Unique("订单"), null))).ReadAsync<BugCategoryRow>(HttpStatusCode.Created);
        var leaf = await (await w.Admin.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput("导出", root.Id))).ReadAsync<BugCategoryRow>(HttpStatusCode.Created);
        Assert.Equal($"{root.Name} › 导出", leaf.Path);
        return (root.Id, leaf.Id);
    }

    [DbFact]
    public async Task A_bug_reaches_development_only_reproduced_with_evidence_and_classified()
    {
        var w = await app.WorldAsync();
        var (root, leaf) = await CategoriesAsync(w);
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "导出报表时报 500", TicketPriority.High, TicketKind.ProductionProblem, w.AgentId);
        var bug = $"/api/tickets/{t.Id}/bug";

        var early = await (await w.Agent.PostJsonAsync($"{bug}/handover", new HandoverInput(w.AgentId, null, null, null))).ExpectProblemAsync(HttpStatusCode.Conflict, "steps");
        Assert.Contains("attachments", early.GetProperty("detail").GetString());

        var noEvidence = await (await w.Agent.PutJsonAsync($"{bug}/reproduction", new ReproductionInput("第一步：打开报表；第二步：点导出", "v5.12 / Chrome", "下载 Excel", "页面报 500"))).ReadAsync<BugView>();
        Assert.Equal(BugStage.Reproducing, noEvidence.Stage);
        Assert.Equal(["attachments", "categoryId", "rootCause"], noEvidence.MissingForHandover);
        await (await w.Agent.PutJsonAsync($"{bug}/classification", new ClassificationInput(leaf, RootCause.CodeDefect, null))).ExpectProblemAsync(HttpStatusCode.Conflict);

        await (await w.Agent.PostMultipartAsync($"/api/tickets/{t.Id}/replies", new { body = "复现截图", @internal = true }, ("repro.png", TicketClient.Png))).ExpectAsync(HttpStatusCode.OK);
        var reproduced = await (await w.Agent.PutJsonAsync($"{bug}/reproduction", new ReproductionInput("第一步：打开报表；第二步：点导出", "v5.12 / Chrome", "下载 Excel", "页面报 500"))).ReadAsync<BugView>();
        Assert.Equal(BugStage.Reproduced, reproduced.Stage);

        await (await w.Agent.PutJsonAsync($"{bug}/classification", new ClassificationInput(Guid.CreateVersion7(), RootCause.CodeDefect, null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "categoryId");
        await (await w.Agent.PutRawJsonAsync($"{bug}/classification", $$"""{"categoryId":"{{leaf}}"}""")).ExpectProblemAsync(HttpStatusCode.BadRequest, "rootCause");
        var classified = await (await w.Agent.PutJsonAsync($"{bug}/classification", new ClassificationInput(leaf, RootCause.CodeDefect, "导出服务空指针"))).ReadAsync<BugView>();
        Assert.Equal(BugStage.Classified, classified.Stage);
        Assert.Empty(classified.MissingForHandover);

        await (await w.Agent.PostJsonAsync($"{bug}/handover", new HandoverInput(null, null, null, null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "devOwnerId");
        await (await w.Agent.PostJsonAsync($"{bug}/handover", new HandoverInput(w.AgentId, null, "javascript:alert(1)", null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "externalLink");
        var handed = await (await w.Agent.PostJsonAsync($"{bug}/handover", new HandoverInput(w.LeadId, w.AgentId, "https://gitlab.example.cn/app/-/issues/42", "open"))).ReadAsync<BugView>();
        Assert.Equal(BugStage.InDevelopment, handed.Stage);
        Assert.NotNull(handed.DevOwnerName);

        var fixedBug = await (await w.Agent.PutJsonAsync($"{bug}/coordination", new CoordinationInput(null, "released", true))).ReadAsync<BugView>();
        Assert.Equal(BugStage.Fixed, fixedBug.Stage);
        Assert.Equal("released", fixedBug.ExternalState);

        var history = (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Entries.Where(e => e.Field == "bug").Select(e => e.NewValue);
        Assert.Contains("InDevelopment", history);

        var now = app.Clock.GetUtcNow();
        var report = await w.Agent.GetAsync<BugCauseReport>($"/api/service/bug-report?from={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddDays(1).ToString("O"))}");
        var rootName = (await w.Agent.GetAsync<List<BugCategoryRow>>("/api/service/bug-categories")).Single(x => x.Id == root).Name;
        var row = Assert.Single(report.Categories, c => c.Category == rootName);
        Assert.Equal(1, row.Count);
        Assert.Equal(RootCause.CodeDefect, row.TopCause);
        await (await w.Agent.GetAsync($"/api/service/bug-report?from={Uri.EscapeDataString(now.ToString("O"))}&to={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
    }

    [DbFact]
    public async Task Only_production_problems_have_a_bug_workflow_and_only_ticket_workers_may_move_it()
    {
        var w = await app.WorldAsync();
        var question = await w.Agent.OpenedAsync(w.A.AccountId, "怎么改密码", kind: TicketKind.OperationQuestion);
        await (await w.Agent.GetAsync($"/api/tickets/{question.Id}/bug")).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await w.Agent.GetAsync($"/api/tickets/{Guid.CreateVersion7()}/bug")).ExpectAsync(HttpStatusCode.NotFound);

        var problem = await w.Agent.OpenedAsync(w.A.AccountId, "闪退", kind: TicketKind.ProductionProblem);
        var sales = await app.ClientForRoleAsync(Pharos.Platform.Identity.Roles.Sales);
        await (await sales.GetAsync($"/api/tickets/{problem.Id}/bug")).ExpectAsync(HttpStatusCode.OK);
        await (await sales.PutJsonAsync($"/api/tickets/{problem.Id}/bug/reproduction", new ReproductionInput("a", "b", "c", "d"))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.A.Admin.GetAsync($"/api/tickets/{problem.Id}/bug")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [DbFact]
    public async Task The_category_tree_refuses_duplicates_deep_nesting_loops_and_removing_what_is_in_use()
    {
        var w = await app.WorldAsync();
        var (root, leaf) = await CategoriesAsync(w);
        await (await w.Admin.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput("导出", root))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        var third = await (await w.Admin.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput("Excel", leaf))).ReadAsync<BugCategoryRow>(HttpStatusCode.Created);
        await (await w.Admin.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput("太深", third.Id))).ExpectProblemAsync(HttpStatusCode.BadRequest, "parentId");
        await (await w.Admin.PutJsonAsync($"/api/service/bug-categories/{root}", new BugCategoryInput("订单", leaf))).ExpectProblemAsync(HttpStatusCode.BadRequest, "parentId");
        await (await w.Admin.DeleteAsync($"/api/service/bug-categories/{root}")).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await w.Agent.PostJsonAsync("/api/service/bug-categories", new BugCategoryInput("客服不能建", null))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await w.Admin.DeleteAsync($"/api/service/bug-categories/{third.Id}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : BugWorkflowTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : BugWorkflowTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
