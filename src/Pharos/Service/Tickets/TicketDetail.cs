using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Service.Public;

namespace Pharos.Service.Tickets;

public sealed record SlaTarget(string Name, int Minutes, DateTimeOffset? DueAt, DateTimeOffset? DoneAt, bool? Met);
public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Length);
public sealed record EntryView(Guid Id, DateTimeOffset At, EntryType Type, string AuthorName, bool FromCustomer, string Body,
    string? Field, string? OldValue, string? NewValue, IReadOnlyList<AttachmentView> Attachments);

public sealed record TicketDetail(Guid Id, int Number, string Subject, TicketKind Kind, TicketStatus Status, TicketPriority Priority, Tier Tier,
    Guid AccountId, string AccountName, Guid? ContactId, string? ContactName, Guid? RequesterUserId, Guid? AssigneeId, string? AssigneeName,
    Guid? GroupId, string? GroupName, bool IsMajorIncident, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    SlaState Sla, DateTimeOffset? NextDueAt, IReadOnlyList<SlaTarget> Targets, int? CsatScore, string? CsatComment, IReadOnlyList<EntryView> Entries, uint Version,
    string TimeZone);

public static class TicketDetailQuery
{
    /// <summary>A ticket with its conversation. For a customer, internal notes, their files and staff-only history are left out here, at the source.</summary>
    public static async Task<TicketDetail?> LoadAsync(PharosDb db, Guid id, bool forCustomer, DateTimeOffset now, TimeSpan warnBefore, CancellationToken ct)
    {
        var t = await db.Set<Ticket>().AsNoTracking().Include(x => x.Tags).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return null;
        var account = await CustomerDirectory.Accounts(db).Where(a => a.Id == t.AccountId).Select(a => a.Name).FirstAsync(ct);
        var contact = t.ContactId is { } c ? await CustomerDirectory.Contacts(db).Where(x => x.Id == c).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var assignee = t.AssigneeId is { } a ? await db.Users.Where(u => u.Id == a).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
        var group = t.GroupId is { } g ? await db.Set<SupportGroup>().Where(x => x.Id == g).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var entries = (await db.Set<TicketEntry>().AsNoTracking().Where(e => e.TicketId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct))
            .Where(e => !forCustomer || e.VisibleToCustomer).ToList();
        var visible = entries.Select(e => e.Id).ToHashSet();
        var files = (await db.Set<TicketAttachment>().AsNoTracking().Where(x => x.TicketId == id).ToListAsync(ct))
            .Where(x => visible.Contains(x.EntryId)).ToLookup(x => x.EntryId);
        // Times read on the ticket's own calendar clock; a ticket without a policy reads on the default calendar's.
        var calendar = await db.Set<Calendars.ServiceCalendar>().AsNoTracking().Where(c => c.Id == t.CalendarId || (t.CalendarId == null && c.IsDefault))
            .Select(c => c.Calendar).FirstOrDefaultAsync(ct);
        var targets = new List<SlaTarget>();
        if (t.FirstResponseTarget is { } fr) targets.Add(new("firstResponse", fr, t.FirstResponseDueAt, t.FirstRespondedAt, t.FirstResponseMet));
        if (t.NextResponseTarget is { } nr) targets.Add(new("nextResponse", nr, t.NextResponseDueAt, null, t.NextResponseStartedAt is null ? t.NextResponseMet : null));
        if (t.ResolutionTarget is { } rs) targets.Add(new("resolution", rs, t.ResolutionDueAt, t.ResolvedAt, t.ResolutionMet));
        return new TicketDetail(t.Id, t.Number, t.Subject, t.Kind, t.Status, t.Priority, t.Tier, t.AccountId, account, t.ContactId, contact, t.RequesterUserId,
            t.AssigneeId, assignee, t.GroupId, forCustomer ? null : group, t.IsMajorIncident, [.. t.Tags.Select(x => x.Tag).Order(StringComparer.Ordinal)],
            t.CreatedAt, t.UpdatedAt, t.StateAt(now, warnBefore), t.NextDueAt, targets, t.CsatScore, t.CsatComment,
            [.. entries.Select(e => new EntryView(e.Id, e.At, e.Type, e.AuthorName, e.FromCustomer, e.Body, e.Field, e.OldValue, e.NewValue,
                [.. files[e.Id].Select(f => new AttachmentView(f.Id, f.FileName, f.ContentType, f.Length))]))], t.Version,
            calendar?.TimeZone ?? "Asia/Shanghai");
    }
}
