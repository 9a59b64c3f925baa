using System.Net;
using Microsoft.EntityFrameworkCore;
using Pharos.Service.Portal;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>Bad input gets a problem naming the field, and a refused request leaves nothing behind: no ticket, no reply, no file.</summary>
public abstract class TicketInputTests(ServiceDesk app)
{
    private Task<int> TicketCountAsync() => app.WithDbAsync(db => db.Set<Ticket>().CountAsync());
    private int StoredFiles() => Directory.Exists(Path.Combine(app.DataDirectory, "attachments"))
        ? Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "attachments"), "*", SearchOption.AllDirectories).Count() : 0;

    [DbTheory]
    [InlineData("""{"kind":"Finance","body":"x"}""", "subject")]
    [InlineData("""{"accountId":null,"kind":"Finance","subject":"s","body":"x"}""", "accountId")]
    [InlineData("""{"kind":"Finance","subject":"s"}""", "body")]
    [InlineData("""{"kind":"Nonsense","subject":"s","body":"x"}""", "kind")]
    [InlineData("""{"kind":"Finance","subject":"s","body":"x","tags":["a","b","c","d","e","f","g","h","i","j","k"]}""", "tags")]
    public async Task An_invalid_ticket_is_refused_naming_the_field(string json, string field)
    {
        var w = await app.WorldAsync();
        var body = json.Contains("accountId", StringComparison.Ordinal) ? json : json.Insert(1, $"\"accountId\":\"{w.A.AccountId}\",");
        var before = await TicketCountAsync();

        await (await w.Agent.PostRawJsonAsync("/api/tickets", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Equal(before, await TicketCountAsync());
    }

    [DbFact]
    public async Task A_subject_over_200_characters_or_an_unknown_account_is_refused()
    {
        var w = await app.WorldAsync();
        await (await w.Agent.OpenAsync(w.A.AccountId, new string('长', 201))).ExpectProblemAsync(HttpStatusCode.BadRequest, "subject");
        await (await w.Agent.OpenAsync(Guid.CreateVersion7(), "不存在的客户")).ExpectProblemAsync(HttpStatusCode.BadRequest, "accountId");
    }

    [DbFact]
    public async Task An_attachment_over_the_limit_or_of_a_refused_type_is_refused_and_nothing_is_half_saved()
    {
        var w = await app.WorldAsync();
        var before = await TicketCountAsync();
        var filesBefore = StoredFiles();
        var payload = new PortalTicketInput(TicketKind.ProductionProblem, "带附件的问题", "见附件", null);

        var big = await w.A.One.PostMultipartAsync("/api/portal/tickets", payload, ("ok.png", TicketClient.Png), ("huge.log", new byte[10 * 1024 * 1024 + 1]));
        var bigProblem = await big.ExpectProblemAsync(HttpStatusCode.BadRequest, "attachments");
        Assert.Contains("huge.log", bigProblem.GetProperty("detail").GetString());

        await (await w.A.One.PostMultipartAsync("/api/portal/tickets", payload, ("setup.exe", [0x4D, 0x5A, 0x90, 0x00]))).ExpectProblemAsync(HttpStatusCode.BadRequest, "attachments");
        await (await w.A.One.PostMultipartAsync("/api/portal/tickets", payload, ("fake.png", [0x4D, 0x5A, 0x90, 0x00, 0x03]))).ExpectProblemAsync(HttpStatusCode.BadRequest, "attachments");

        Assert.Equal(before, await TicketCountAsync());
        Assert.Equal(filesBefore, StoredFiles());

        var ok = await (await w.A.One.PostMultipartAsync("/api/portal/tickets", payload, ("截图 1.png", TicketClient.Png))).ReadAsync<TicketDetail>(HttpStatusCode.Created);
        var file = ok.Entries.Single(e => e.Type == EntryType.Reply).Attachments.Single();
        Assert.Equal("截图 1.png", file.FileName);
        var download = await w.A.One.GetAsync($"/api/portal/tickets/{ok.Id}/attachments/{file.Id}");
        Assert.Equal(TicketClient.Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [DbFact]
    public async Task A_refused_reply_adds_no_entry()
    {
        var w = await app.WorldAsync();
        var t = await w.Agent.OpenedAsync(w.A.AccountId, "回复校验");
        var entries = (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Entries.Count;

        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", "")).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await w.Agent.ReplyAsync($"/api/tickets/{t.Id}", new string('x', Ticket.BodyMax + 1))).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await w.Agent.PostMultipartAsync($"/api/tickets/{t.Id}/replies", new { body = "附件不对" }, ("a.exe", [1, 2, 3]))).ExpectProblemAsync(HttpStatusCode.BadRequest, "attachments");
        await (await w.Agent.PostRawJsonAsync($"/api/tickets/{t.Id}/replies", "{not json")).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(entries, (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Entries.Count);
        await (await w.Agent.ReplyAsync($"/api/tickets/{Guid.CreateVersion7()}", "不存在")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [DbFact]
    public async Task Script_in_ticket_text_is_stored_as_written_and_rendered_inert()
    {
        var w = await app.WorldAsync();
        const string hostile = "<script>alert(1)</script>[点我](javascript:alert(1)) <img src=x onerror=alert(1)>";
        var t = await (await w.A.One.PostJsonAsync("/api/portal/tickets", new PortalTicketInput(TicketKind.OperationQuestion, "XSS 测试", hostile, null)))
            .ReadAsync<TicketDetail>(HttpStatusCode.Created);

        var body = (await w.Agent.GetAsync<TicketDetail>($"/api/tickets/{t.Id}")).Entries.First(e => e.Type == EntryType.Reply).Body;
        Assert.Equal(hostile, body); // the customer's words are kept; only rendering makes them safe
        var html = Pharos.Platform.Text.SafeMarkdown.ToHtml(body);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }

    public sealed class Sqlite(ServiceDeskOnSqlite app) : TicketInputTests(app), IClassFixture<ServiceDeskOnSqlite>;
    public sealed class Postgres(ServiceDeskOnPostgres app) : TicketInputTests(app), IClassFixture<ServiceDeskOnPostgres>, IPostgresSuite;
}
