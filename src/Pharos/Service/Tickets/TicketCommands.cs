using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pharos.Customers.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Files;
using Pharos.Platform.Notifications;
using Pharos.Platform.Problems;
using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Service.Sla;

namespace Pharos.Service.Tickets;

/// <summary>
/// Everything that changes a ticket, for the staff API, the staff pages, the portal API and the portal pages alike.
/// Each command is one transaction: the ticket, its entries, its attachments' rows and the notices it causes.
/// </summary>
public sealed class TicketCommands(PharosDb db, SlaPolicies policies, TimeProvider time, AttachmentStore files, Notifier notifier, IOptions<ServiceOptions> options)
{
    private const int MaxTags = 10;

    public async Task<Ticket> OpenAsync(OpenTicketInput input, Author author, IReadOnlyList<Upload> uploads, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        var account = await CustomerDirectory.Accounts(db).FirstOrDefaultAsync(a => a.Id == input.AccountId, ct)
            ?? throw RuleViolation.BadField("accountId", "No account with this id.");
        if (input.ContactId is { } contactId && !await CustomerDirectory.Contacts(db).AnyAsync(c => c.Id == contactId && c.AccountId == account.Id, ct))
            throw RuleViolation.BadField("contactId", "The contact does not belong to this account.");
        await CheckPeopleAsync(input.AssigneeId, input.GroupId, ct);
        var tags = CleanTags(input.Tags);
        var now = time.GetUtcNow();
        var ticket = new Ticket
        {
            AccountId = account.Id, ContactId = input.ContactId, Kind = input.Kind!.Value, Priority = input.Priority ?? TicketPriority.Normal,
            Subject = input.Subject!.Trim(), Tier = account.Tier, AssigneeId = input.AssigneeId, GroupId = input.GroupId,
            RequesterUserId = author.IsCustomer ? author.UserId : null, CreatedAt = now, UpdatedAt = now, LastCustomerReplyAt = author.IsCustomer ? now : null,
        };
        ticket.Tags.AddRange(tags.Select(t => new TicketTag { TicketId = ticket.Id, Tag = t }));
        await ApplyPolicyAsync(ticket, ct);

        var stored = await StoreAsync(uploads, ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                ticket.Number = (await db.Set<Ticket>().MaxAsync(t => (int?)t.Number, ct) ?? 1000) + 1;
                db.Add(ticket);
                var entry = AddEntry(ticket, EntryType.Reply, author, input.Body!, now);
                AddAttachments(ticket, entry, stored, now);
                db.Audit(new Actor(author.UserId, author.Name), now, "Ticket", ticket.Id, "opened", new { ticket.Number, ticket.Kind, ticket.Priority, ticket.AccountId });
                if (ticket.AssigneeId is { } assignee && assignee != author.UserId)
                    await notifier.NotifyAsync([assignee], Notice(ticket, "Ticket #{0} was assigned to you: {1}", input.Body!), ct);
                try
                {
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return ticket;
                }
                catch (DbUpdateException e) when (attempt < 3 && IsUniqueViolation(e))
                {
                    // Two tickets opened at once drew the same number; the unique index refused one. Draw again.
                    await tx.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                }
            }
        }
        catch
        {
            foreach (var f in stored) files.Delete(f.Key);
            throw;
        }
    }

    public async Task<TicketEntry> ReplyAsync(Guid ticketId, ReplyInput input, Author author, IReadOnlyList<Upload> uploads, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        var ticket = await LoadAsync(ticketId, ct);
        var now = time.GetUtcNow();
        if (author.IsCustomer)
        {
            if (input.Internal) throw RuleViolation.BadField("internal", "Customers cannot write internal notes.");
            if (input.Status is not null) throw RuleViolation.BadField("status", "Customers cannot set the status.");
            if (ticket.Status == TicketStatus.Closed || (ticket.Status == TicketStatus.Resolved && ticket.ResolvedAt < now.AddDays(-options.Value.ReopenDays)))
                throw new RuleViolation("This ticket is closed. Please open a new ticket and mention its number.");
        }
        if (input.Status == TicketStatus.Closed && ticket.Status != TicketStatus.Resolved)
            throw RuleViolation.BadField("status", "Resolve a ticket before closing it.");
        // A closed ticket is the record of what was promised and done; staff may still annotate it, not reopen the conversation.
        if (!author.IsCustomer && ticket.Status == TicketStatus.Closed && (!input.Internal || input.Status is not null))
            throw new RuleViolation("This ticket is closed: add an internal note, or open a new ticket for the customer.");

        var stored = await StoreAsync(uploads, ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var entry = AddEntry(ticket, input.Internal ? EntryType.Note : EntryType.Reply, author, input.Body!, now);
            AddAttachments(ticket, entry, stored, now);
            var before = ticket.Status;
            if (author.IsCustomer)
            {
                ticket.CustomerReplied(now);
                if (ticket.Status is TicketStatus.WaitingOnCustomer or TicketStatus.Resolved) ticket.MoveTo(TicketStatus.Open, now);
            }
            else if (!input.Internal)
            {
                ticket.AgentReplied(now);
                if (input.Status is null && ticket.Status == TicketStatus.New) ticket.MoveTo(TicketStatus.Open, now);
            }
            if (input.Status is { } status) ticket.MoveTo(status, now);
            if (ticket.Status != before) AddEvent(ticket, author, "status", before.ToString(), ticket.Status.ToString(), now);
            await RecomputeAsync(ticket, ct);
            ticket.UpdatedAt = now;
            ticket.Version++;

            if (author.IsCustomer)
                await notifier.NotifyAsync(await ResponsibleAsync(ticket, ct), Notice(ticket, "Customer replied on ticket #{0}: {1}", input.Body!), ct);
            else if (!input.Internal && ticket.RequesterUserId is { } requester)
                await notifier.NotifyAsync([requester], Notice(ticket, "Ticket #{0} has a new reply: {1}", input.Body!, portal: true), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return entry;
        }
        catch
        {
            foreach (var f in stored) files.Delete(f.Key);
            throw;
        }
    }

    public async Task<Ticket> ChangeAsync(Guid ticketId, TicketChange change, Author author, CancellationToken ct = default)
    {
        if (author.IsCustomer) throw new RuleViolation("Customers cannot change ticket fields.");
        var ticket = await LoadAsync(ticketId, ct);
        var now = time.GetUtcNow();
        await CheckPeopleAsync(change.AssigneeId, change.GroupId, ct);
        var notices = new List<(IEnumerable<Guid> To, Notice Notice)>();

        if (change.Status is { } status && status != ticket.Status)
        {
            if (status == TicketStatus.Closed && ticket.Status != TicketStatus.Resolved) throw RuleViolation.BadField("status", "Resolve a ticket before closing it.");
            AddEvent(ticket, author, "status", ticket.Status.ToString(), status.ToString(), now);
            ticket.MoveTo(status, now);
            if (ticket.RequesterUserId is { } requester)
                notices.Add(([requester], Notice(ticket, "Ticket #{0} is now {1}", "", true, status)));
        }
        var repolicy = false;
        if (change.Priority is { } priority && priority != ticket.Priority)
        {
            AddEvent(ticket, author, "priority", ticket.Priority.ToString(), priority.ToString(), now);
            ticket.Priority = priority;
            repolicy = true;
        }
        if (change.Kind is { } kind && kind != ticket.Kind)
        {
            AddEvent(ticket, author, "kind", ticket.Kind.ToString(), kind.ToString(), now);
            ticket.Kind = kind;
            repolicy = true;
        }
        var assignee = change.ClearAssignee ? null : change.AssigneeId ?? ticket.AssigneeId;
        if (assignee != ticket.AssigneeId)
        {
            AddEvent(ticket, author, "assignee", await NameOfAsync(ticket.AssigneeId, ct), await NameOfAsync(assignee, ct), now);
            ticket.AssigneeId = assignee;
            if (assignee is { } a && a != author.UserId) notices.Add(([a], Notice(ticket, "Ticket #{0} was assigned to you: {1}", "")));
        }
        var group = change.ClearGroup ? null : change.GroupId ?? ticket.GroupId;
        if (group != ticket.GroupId)
        {
            var names = await db.Set<SupportGroup>().Where(g => g.Id == group || g.Id == ticket.GroupId).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
            AddEvent(ticket, author, "group", ticket.GroupId is { } o ? names.GetValueOrDefault(o) : null, group is { } n ? names.GetValueOrDefault(n) : null, now);
            ticket.GroupId = group;
        }
        if (change.Tags is not null)
        {
            var tags = CleanTags(change.Tags);
            var old = ticket.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal).ToList();
            if (!old.SequenceEqual(tags.Order(StringComparer.Ordinal)))
            {
                AddEvent(ticket, author, "tags", string.Join(", ", old), string.Join(", ", tags), now);
                ticket.Tags.RemoveAll(t => !tags.Contains(t.Tag));
                ticket.Tags.AddRange(tags.Where(t => !old.Contains(t)).Select(t => new TicketTag { TicketId = ticket.Id, Tag = t }));
            }
        }
        if (change.MajorIncident is { } major && major != ticket.IsMajorIncident)
        {
            AddEvent(ticket, author, "majorIncident", ticket.IsMajorIncident.ToString(), major.ToString(), now);
            ticket.IsMajorIncident = major;
            if (major)
            {
                // DOMAIN.md §3: a major incident escalates at once — the whole account team hears of it, not just the assignee.
                var team = await CustomerDirectory.TeamAsync(db, ticket.AccountId, ct);
                notices.Add((team.Where(u => u != author.UserId), Notice(ticket, "Major incident on ticket #{0}: {1}", "")));
            }
        }
        if (repolicy) await ApplyPolicyAsync(ticket, ct);
        else await RecomputeAsync(ticket, ct);
        ticket.UpdatedAt = now;
        ticket.Version++;
        db.Audit(new Actor(author.UserId, author.Name), now, "Ticket", ticket.Id, "changed", change);
        foreach (var (to, notice) in notices) await notifier.NotifyAsync(to, notice, ct);
        await db.SaveChangesAsync(ct);
        return ticket;
    }

    public async Task<Ticket> RateAsync(Guid ticketId, RatingInput input, Author author, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        var ticket = await LoadAsync(ticketId, ct);
        if (ticket.IsOpen) throw new RuleViolation("A ticket can be rated once it is resolved.");
        var now = time.GetUtcNow();
        ticket.CsatScore = input.Score;
        ticket.CsatComment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
        ticket.CsatAt = now;
        AddEvent(ticket, author, "rating", null, input.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), now);
        await notifier.NotifyAsync(await ResponsibleAsync(ticket, ct), Notice(ticket, "Ticket #{0} was rated {1}/5", input.Comment ?? "", false, input.Score), ct);
        await db.SaveChangesAsync(ct);
        return ticket;
    }

    private async Task<Ticket> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Set<Ticket>().Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFound("Ticket");

    /// <summary>Copies the targets of the policy for the ticket's tier × priority × kind onto it (none when no policy matches).</summary>
    private async Task ApplyPolicyAsync(Ticket ticket, CancellationToken ct)
    {
        var resolved = await policies.ResolveAsync(ticket.Tier, ticket.Priority, ticket.Kind, ct);
        if (resolved is { Policy: var p }) ticket.SetTargets(p.CalendarId, p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes);
        else ticket.SetTargets(null, null, null, null);
        ticket.RecomputeSla(resolved?.Calendar);
    }

    private async Task RecomputeAsync(Ticket ticket, CancellationToken ct)
    {
        var calendar = ticket.CalendarId is { } id
            ? await db.Set<ServiceCalendar>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Calendar).FirstOrDefaultAsync(ct)
            : null;
        ticket.RecomputeSla(calendar);
    }

    private async Task<IReadOnlyList<Guid>> ResponsibleAsync(Ticket ticket, CancellationToken ct) =>
        await SupportGroupLeads.ResponsibleAsync(db, ticket, ct) is { } who ? [who] : [];

    private async Task CheckPeopleAsync(Guid? assigneeId, Guid? groupId, CancellationToken ct)
    {
        if (assigneeId is { } a && !await db.Users.AnyAsync(u => u.Id == a && u.Kind == Platform.Identity.UserKind.Staff, ct))
            throw RuleViolation.BadField("assigneeId", "The assignee must be a staff user.");
        if (groupId is { } g && !await db.Set<SupportGroup>().AnyAsync(x => x.Id == g, ct))
            throw RuleViolation.BadField("groupId", "No support group with this id.");
    }

    private async Task<string?> NameOfAsync(Guid? userId, CancellationToken ct) =>
        userId is { } id ? await db.Users.Where(u => u.Id == id).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;

    private static List<string> CleanTags(IEnumerable<string>? tags)
    {
        var clean = (tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (clean.Count > MaxTags) throw RuleViolation.BadField("tags", $"At most {MaxTags} tags.");
        if (clean.FirstOrDefault(t => t.Length > TicketTag.Max) is { } tooLong) throw RuleViolation.BadField("tags", $"A tag is at most {TicketTag.Max} characters: '{tooLong[..20]}…'.");
        return clean;
    }

    private TicketEntry AddEntry(Ticket ticket, EntryType type, Author author, string body, DateTimeOffset at)
    {
        var entry = new TicketEntry { TicketId = ticket.Id, At = at, Type = type, AuthorId = author.UserId, AuthorName = author.Name, FromCustomer = author.IsCustomer, Body = body.Trim() };
        db.Add(entry);
        return entry;
    }

    private void AddEvent(Ticket ticket, Author author, string field, string? from, string? to, DateTimeOffset at) =>
        db.Add(new TicketEntry { TicketId = ticket.Id, At = at, Type = EntryType.Event, AuthorId = author.UserId, AuthorName = author.Name, FromCustomer = author.IsCustomer, Field = field, OldValue = from, NewValue = to });

    private async Task<List<StoredFile>> StoreAsync(IReadOnlyList<Upload> uploads, CancellationToken ct)
    {
        if (uploads.Count > options.Value.MaxAttachmentsPerMessage)
            throw RuleViolation.BadField("attachments", $"At most {options.Value.MaxAttachmentsPerMessage} files per message.");
        var stored = new List<StoredFile>();
        try
        {
            foreach (var u in uploads)
            {
                await using var stream = u.Open();
                stored.Add(await files.SaveAsync(u.FileName, stream, ct));
            }
            return stored;
        }
        catch
        {
            // One refused file refuses the message: nothing half-saved, not even the files that passed.
            foreach (var f in stored) files.Delete(f.Key);
            throw;
        }
    }

    private void AddAttachments(Ticket ticket, TicketEntry entry, IEnumerable<StoredFile> stored, DateTimeOffset at) =>
        db.AddRange(stored.Select(f => new TicketAttachment
        {
            TicketId = ticket.Id, EntryId = entry.Id, StoreKey = f.Key, FileName = f.FileName, ContentType = f.ContentType, Length = f.Length, Sha256 = f.Sha256, CreatedAt = at,
        }));

    private static bool IsUniqueViolation(DbUpdateException e) =>
        e.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } or Npgsql.PostgresException { SqlState: "23505" };

    private static Notice Notice(Ticket t, string template, string body, bool portal = false, params object?[] args) =>
        new(template, [t.Number, .. (args.Length > 0 ? args : [t.Subject])], SafeText(body), portal ? $"/portal/tickets/{t.Id}" : $"/service/tickets/{t.Id}");

    private static string SafeText(string markdown) => Platform.Text.SafeMarkdown.ToPlainText(markdown, 500);
}
