using Microsoft.EntityFrameworkCore;
using Pharos.Knowledge.Articles;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Knowledge.Public;

public sealed record FaqDraftRow(Guid Id, string Title, string Body, int SourceTickets, string CreatedByName, DateTimeOffset CreatedAt);

/// <summary>How other modules hand the knowledge base a FAQ draft (the service desk does, from repeated questions).</summary>
public static class FaqDrafts
{
    public static async Task<Guid> CreateAsync(PharosDb db, string title, string body, IReadOnlyCollection<Guid> sourceTicketIds, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        title = title.Trim();
        if (title.Length is 0 or > Article.TitleMax) throw RuleViolation.BadField("title", $"A title of 1 to {Article.TitleMax} characters is required.");
        if (body.Length > Article.BodyMax) throw RuleViolation.BadField("body", "The draft is at most 20,000 characters.");
        var article = new Article { Title = title, Body = body, SourceTicketIds = [.. sourceTicketIds.Distinct()], CreatedById = actor.UserId, CreatedByName = actor.Name, CreatedAt = now };
        db.Add(article);
        db.Audit(actor, now, "Article", article.Id, "faq-drafted", new { title, tickets = article.SourceTicketIds.Count });
        await db.SaveChangesAsync(ct);
        return article.Id;
    }

    public static Task<List<FaqDraftRow>> ListAsync(PharosDb db, int take, CancellationToken ct) =>
        db.Set<Article>().AsNoTracking().Where(a => a.Status == ArticleStatus.Draft).OrderByDescending(a => a.CreatedAt).Take(take)
            .Select(a => new FaqDraftRow(a.Id, a.Title, a.Body, a.SourceTicketIds.Count, a.CreatedByName, a.CreatedAt)).ToListAsync(ct);

    /// <summary>Tickets already answered by a draft or article: their cluster needs no second draft.</summary>
    public static async Task<HashSet<Guid>> CoveredTicketsAsync(PharosDb db, CancellationToken ct) =>
        [.. (await db.Set<Article>().AsNoTracking().Select(a => a.SourceTicketIds).ToListAsync(ct)).SelectMany(x => x)];
}
