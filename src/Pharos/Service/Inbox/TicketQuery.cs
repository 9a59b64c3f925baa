using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Inbox;

public sealed record TicketFilter
{
    public string? Q { get; init; }
    public TicketKind[]? Kind { get; init; }
    public TicketStatus[]? Status { get; init; }
    /// <summary>Every status but resolved and closed.</summary>
    public bool OpenOnly { get; init; }
    public TicketPriority[]? Priority { get; init; }
    public Tier[]? Tier { get; init; }
    public Guid? AssigneeId { get; init; }
    public bool Unassigned { get; init; }
    public Guid? GroupId { get; init; }
    public Guid? AccountId { get; init; }
    public SlaState? Sla { get; init; }
    public string? Tag { get; init; }
    public bool? MajorIncident { get; init; }
    /// <summary>Portal scope: only this account's tickets, and (for business users) only this requester's.</summary>
    public Guid? RequesterUserId { get; init; }
    /// <summary>due (default: next deadline first), created, updated, priority, number.</summary>
    public string? Sort { get; init; }
    public bool Desc { get; init; }
}

public sealed record TicketRow(Guid Id, int Number, string Subject, TicketKind Kind, TicketStatus Status, TicketPriority Priority, Tier Tier,
    Guid AccountId, string AccountName, Guid? AssigneeId, string? AssigneeName, string? GroupName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? NextDueAt, SlaState Sla, bool IsMajorIncident, IReadOnlyList<string> Tags);

public sealed record TicketResults(IReadOnlyList<TicketRow> Items, int Total, int PageNumber, int PageSize);

/// <summary>The inbox: filters and the SLA sort run in SQL over the stored next deadline.</summary>
public static class TicketQuery
{
    public const int MaxPageSize = 200;
    private static readonly TicketStatus[] Done = [TicketStatus.Resolved, TicketStatus.Closed];

    public static async Task<TicketResults> PageAsync(PharosDb db, TicketFilter f, int page, int pageSize, DateTimeOffset now, TimeSpan warnBefore, CancellationToken ct)
    {
        if (page < 1) throw RuleViolation.BadField("page", "Page numbers start at 1.");
        if (pageSize is < 1 or > MaxPageSize) throw RuleViolation.BadField("pageSize", $"Page size is between 1 and {MaxPageSize}.");
        var q = Filtered(db, f, now, warnBefore);
        var total = await q.CountAsync(ct);
        var sorted = Sorted(q, f.Sort, f.Desc);
        var rows = await (from t in sorted
                          join a in CustomerDirectory.Accounts(db) on t.AccountId equals a.Id
                          select new
                          {
                              t.Id, t.Number, t.Subject, t.Kind, t.Status, t.Priority, t.Tier, t.AccountId, AccountName = a.Name, t.AssigneeId,
                              AssigneeName = db.Users.Where(u => u.Id == t.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
                              GroupName = db.Set<SupportGroup>().Where(g => g.Id == t.GroupId).Select(g => g.Name).FirstOrDefault(),
                              t.CreatedAt, t.UpdatedAt, t.NextDueAt, t.SlaMissed, t.CalendarId, t.IsMajorIncident,
                              Tags = t.Tags.Select(x => x.Tag).ToList(),
                          }).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var items = rows.Select(r => new TicketRow(r.Id, r.Number, r.Subject, r.Kind, r.Status, r.Priority, r.Tier, r.AccountId, r.AccountName, r.AssigneeId,
            r.AssigneeName, r.GroupName, r.CreatedAt, r.UpdatedAt, r.NextDueAt, Ticket.StateOf(r.Status, r.NextDueAt, r.SlaMissed, r.CalendarId is not null, now, warnBefore),
            r.IsMajorIncident, r.Tags)).ToList();
        return new TicketResults(items, total, page, pageSize);
    }

    public static IQueryable<Ticket> Filtered(PharosDb db, TicketFilter f, DateTimeOffset now, TimeSpan warnBefore)
    {
        var q = db.Set<Ticket>().AsNoTracking();
        if (f.AccountId is { } account) q = q.Where(t => t.AccountId == account);
        if (f.RequesterUserId is { } requester) q = q.Where(t => t.RequesterUserId == requester);
        if (f.Kind is { Length: > 0 } kinds) q = q.Where(t => kinds.Contains(t.Kind));
        if (f.Status is { Length: > 0 } statuses) q = q.Where(t => statuses.Contains(t.Status));
        if (f.OpenOnly) q = q.Where(t => !Done.Contains(t.Status));
        if (f.Priority is { Length: > 0 } priorities) q = q.Where(t => priorities.Contains(t.Priority));
        if (f.Tier is { Length: > 0 } tiers) q = q.Where(t => tiers.Contains(t.Tier));
        if (f.AssigneeId is { } assignee) q = q.Where(t => t.AssigneeId == assignee);
        if (f.Unassigned) q = q.Where(t => t.AssigneeId == null);
        if (f.GroupId is { } group) q = q.Where(t => t.GroupId == group);
        if (f.MajorIncident is { } major) q = q.Where(t => t.IsMajorIncident == major);
        if (!string.IsNullOrWhiteSpace(f.Tag)) q = q.Where(t => t.Tags.Any(x => x.Tag == f.Tag));
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var term = f.Q.Trim().TrimStart('#');
            q = int.TryParse(term, out var number)
                ? q.Where(t => t.Number == number)
                : q.Where(t => t.Subject.Contains(term) || db.Set<TicketEntry>().Any(e => e.TicketId == t.Id && e.Body.Contains(term)));
        }
        if (f.Sla is { } sla)
        {
            var soon = now + warnBefore;
            q = sla switch
            {
                SlaState.Paused => q.Where(t => t.CalendarId != null && t.Status == TicketStatus.WaitingOnCustomer),
                SlaState.Breached => q.Where(t => t.Status != TicketStatus.WaitingOnCustomer && !Done.Contains(t.Status) && t.NextDueAt != null && t.NextDueAt <= now),
                SlaState.AtRisk => q.Where(t => t.Status != TicketStatus.WaitingOnCustomer && !Done.Contains(t.Status) && t.NextDueAt > now && t.NextDueAt <= soon),
                SlaState.OnTrack => q.Where(t => t.Status != TicketStatus.WaitingOnCustomer && !Done.Contains(t.Status) && t.NextDueAt > soon),
                SlaState.Met => q.Where(t => t.CalendarId != null && Done.Contains(t.Status) && !t.SlaMissed),
                SlaState.Missed => q.Where(t => t.CalendarId != null && Done.Contains(t.Status) && t.SlaMissed),
                _ => q.Where(t => t.CalendarId == null),
            };
        }
        return q;
    }

    private static readonly System.Linq.Expressions.Expression<Func<Ticket, int>> Rank = t =>
        t.Priority == TicketPriority.Urgent ? 0 : t.Priority == TicketPriority.High ? 1 : t.Priority == TicketPriority.Normal ? 2 : 3;

    private static IQueryable<Ticket> Sorted(IQueryable<Ticket> q, string? sort, bool desc) => (sort ?? "due") switch
    {
        // Tickets without a running deadline (paused, done, no policy) go last, then the newest.
        "due" => q.OrderBy(t => t.NextDueAt == null).ThenBy(t => t.NextDueAt).ThenByDescending(t => t.CreatedAt),
        "created" => desc ? q.OrderByDescending(t => t.CreatedAt) : q.OrderBy(t => t.CreatedAt),
        "updated" => desc ? q.OrderByDescending(t => t.UpdatedAt) : q.OrderBy(t => t.UpdatedAt),
        // Enums are stored as names, so rank them explicitly rather than alphabetically.
        "priority" => desc ? q.OrderByDescending(Rank).ThenBy(t => t.NextDueAt) : q.OrderBy(Rank).ThenBy(t => t.NextDueAt),
        "number" => desc ? q.OrderByDescending(t => t.Number) : q.OrderBy(t => t.Number),
        _ => throw RuleViolation.BadField("sort", "Sort by due, created, updated, priority or number."),
    };
}
