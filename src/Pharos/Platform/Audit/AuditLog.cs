using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Platform.Audit;

public sealed record AuditLogRow(Guid Id, DateTimeOffset At, string UserName, string EntityType, Guid EntityId, string Action, string? Changes);
public sealed record AuditLogPage(IReadOnlyList<AuditLogRow> Items, int Total, int PageNumber, int PageSize);

/// <summary>The whole audit trail, newest first: who changed what across the book, for admins and operations leads.</summary>
public static class AuditLog
{
    public const int MaxPageSize = 200;

    public static async Task<AuditLogPage> PageAsync(PharosDb db, string? q, string? entityType, DateTimeOffset? from, DateTimeOffset? to, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1) throw RuleViolation.BadField("page", "Page numbers start at 1.");
        if (pageSize is < 1 or > MaxPageSize) throw RuleViolation.BadField("pageSize", $"Page size is between 1 and {MaxPageSize}.");
        if (from is { } f && to is { } t && f > t) throw RuleViolation.BadField("from", "'from' must not be after 'to'.");
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityType)) query = query.Where(e => e.EntityType == entityType);
        if (from is { } f2) query = query.Where(e => e.At >= f2);
        if (to is { } t2) query = query.Where(e => e.At <= t2);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            query = query.Where(e => e.UserName.Contains(term) || e.Action.Contains(term) || (e.Changes != null && e.Changes.Contains(term)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.At).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditLogRow(e.Id, e.At, e.UserName, e.EntityType, e.EntityId, e.Action, e.Changes)).ToListAsync(ct);
        return new AuditLogPage(items, total, page, pageSize);
    }

    public static RouteGroupBuilder MapAuditLog(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async (string? q, string? entityType, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, PharosDb db, CancellationToken ct) =>
                TypedResults.Ok(await PageAsync(db, q, entityType, from, to, page ?? 1, pageSize ?? 50, ct)))
            .RequireAuthorization(Permissions.AuditRead)
            .WithTags("Audit")
            .WithSummary("The audit trail, newest first; filter by entity type, time and text.");
        return api;
    }
}
