using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Knowledge.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Faq;

public sealed record ClusterTicket(Guid Id, int Number, string Subject, string AccountName, TicketStatus Status, DateTimeOffset CreatedAt);
public sealed record FaqCluster(string Label, IReadOnlyList<string> KeyTerms, int Count, int Days, DateTimeOffset First, DateTimeOffset Last,
    IReadOnlyList<ClusterTicket> Tickets, bool Drafted);
public sealed record FaqDraftInput(IReadOnlyList<Guid>? TicketIds, string? Title);

/// <summary>
/// DOMAIN.md §3: operation questions spike around go-live, and the repeated ones must become FAQ entries. The inbox
/// shows "asked 14 times in 7 days"; one click drafts the entry from the cluster's questions and the best answer given.
/// </summary>
public static class FaqClustersApi
{
    public const int MaxDays = 90;
    /// <summary>Clustering compares every pair; this many questions keep it well under a second (see ADR 0005).</summary>
    private const int MaxQuestions = 5000;

    public static async Task<List<FaqCluster>> FindAsync(PharosDb db, int days, DateTimeOffset now, CancellationToken ct)
    {
        if (days is < 1 or > MaxDays) throw RuleViolation.BadField("days", $"Look back 1 to {MaxDays} days.");
        var since = now.AddDays(-days);
        var tickets = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Kind == TicketKind.OperationQuestion && t.CreatedAt >= since)
            .OrderByDescending(t => t.CreatedAt).Take(MaxQuestions)
            .Select(t => new
            {
                t.Id, t.Number, t.Subject, t.Status, t.CreatedAt, t.AccountId,
                Body = db.Set<TicketEntry>().Where(e => e.TicketId == t.Id && e.Type == EntryType.Reply).OrderBy(e => e.At).Select(e => e.Body).FirstOrDefault(),
            }).ToListAsync(ct);
        var clusters = Clustered([.. tickets.Select(t => new Question(t.Id, t.Subject, Clip(t.Body ?? ""), t.CreatedAt))]);
        if (clusters.Count == 0) return [];
        var byId = tickets.ToDictionary(t => t.Id);
        var accountIds = tickets.Select(t => t.AccountId).Distinct().ToList();
        var accounts = await CustomerDirectory.Accounts(db).Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var covered = await FaqDrafts.CoveredTicketsAsync(db, ct);
        return [.. clusters.Select(c => new FaqCluster(c.Label, c.KeyTerms, c.Count, days, c.First, c.Last,
            [.. c.TicketIds.Select(id => byId[id]).Select(t => new ClusterTicket(t.Id, t.Number, t.Subject, accounts.GetValueOrDefault(t.AccountId, ""), t.Status, t.CreatedAt))],
            c.TicketIds.All(covered.Contains)))];
    }

    /// <summary>
    /// A FAQ draft from the tickets of a cluster: the ways customers asked, and the answer an agent gave on the ticket
    /// that was resolved (the last public staff reply), for a writer to turn into 第一步、第二步.
    /// </summary>
    public static async Task<Guid> DraftAsync(PharosDb db, FaqDraftInput input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var ids = input.TicketIds?.Distinct().ToList() ?? [];
        if (ids.Count is 0 or > 200) throw RuleViolation.BadField("ticketIds", "Give the tickets of the cluster (1 to 200).");
        var tickets = await db.Set<Ticket>().AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Subject, t.Status }).ToListAsync(ct);
        if (tickets.Count != ids.Count) throw RuleViolation.BadField("ticketIds", "Some of these tickets do not exist.");
        var answer = await db.Set<TicketEntry>().AsNoTracking()
            .Where(e => ids.Contains(e.TicketId) && e.Type == EntryType.Reply && !e.FromCustomer)
            .OrderByDescending(e => e.At).Select(e => e.Body).FirstOrDefaultAsync(ct);
        var title = string.IsNullOrWhiteSpace(input.Title) ? tickets[0].Subject : input.Title.Trim();
        var asked = string.Join("\n", tickets.Select(t => t.Subject).Distinct().Take(20).Select(s => $"- {s}"));
        var body = $"## 客户的问法 / How customers ask\n{asked}\n\n## 解答 / Answer\n{answer ?? "第一步：…\n第二步：…"}\n\n> 由 {tickets.Count} 个工单的重复问题生成的草稿。";
        return await FaqDrafts.CreateAsync(db, title, body, ids, actor, now, ct);
    }

    private static string Clip(string s) => s.Length <= 500 ? s : s[..500];

    private static readonly Lock CacheLock = new();
    private static (Guid[] Ids, string[] Subjects, IReadOnlyList<QuestionCluster> Clusters)? _last;

    /// <summary>
    /// Clustering 5,000 dense questions takes about two seconds (bench/RESULTS.md), and every inbox visit asks again; the
    /// last answer is kept while the questions (ids and subjects) are the same.
    /// </summary>
    private static IReadOnlyList<QuestionCluster> Clustered(IReadOnlyList<Question> questions)
    {
        var ids = questions.Select(q => q.TicketId).ToArray();
        var subjects = questions.Select(q => q.Subject).ToArray();
        lock (CacheLock)
            if (_last is { } last && last.Ids.AsSpan().SequenceEqual(ids) && last.Subjects.SequenceEqual(subjects, StringComparer.Ordinal)) return last.Clusters;
        var clusters = QuestionClusters.Find(questions);
        lock (CacheLock) _last = (ids, subjects, clusters);
        return clusters;
    }

    public static RouteGroupBuilder MapFaqClusters(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/service/faq-clusters").WithTags("Service");
        g.MapGet("/", async (int? days, PharosDb db, TimeProvider time, CancellationToken ct) => TypedResults.Ok(await FindAsync(db, days ?? 7, time.GetUtcNow(), ct)))
            .RequireAuthorization(Permissions.TicketsRead)
            .WithSummary("Operation questions of the last days grouped by similarity (Chinese word segmentation, TF-IDF): the candidates for a FAQ entry.");
        g.MapPost("/drafts", async (FaqDraftInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                var id = await DraftAsync(db, input, await user.NamedActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Created($"/api/knowledge/drafts/{id}", new { id });
            })
            .RequireAuthorization(Permissions.TicketsWork)
            .WithSummary("Drafts a FAQ article (knowledge base) from a cluster's tickets.");
        api.MapGet("/knowledge/drafts", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await FaqDrafts.ListAsync(db, 100, ct)))
            .RequireAuthorization(Permissions.TicketsRead).WithTags("Knowledge");
        return api;
    }
}
