using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Files;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Inbox;
using Pharos.Service.Public;

namespace Pharos.Service.Tickets;

public sealed record TicketListQuery(string? Q, string? Kind, string? Status, bool? Open, string? Priority, string? Tier, Guid? AssigneeId, bool? Unassigned,
    Guid? GroupId, Guid? AccountId, SlaState? Sla, string? Tag, bool? MajorIncident, string? Sort, bool? Desc, int? Page, int? PageSize)
{
    public TicketFilter ToFilter() => new()
    {
        Q = Q, Kind = Parse<TicketKind>(Kind, "kind"), Status = Parse<TicketStatus>(Status, "status"), OpenOnly = Open == true,
        Priority = Parse<TicketPriority>(Priority, "priority"), Tier = Parse<Tier>(Tier, "tier"), AssigneeId = AssigneeId, Unassigned = Unassigned == true,
        GroupId = GroupId, AccountId = AccountId, Sla = Sla, Tag = Tag, MajorIncident = MajorIncident, Sort = Sort, Desc = Desc ?? true,
    };

    /// <summary>"Urgent,High" → both; anything that is not a member's name is a 400 naming the field.</summary>
    internal static T[]? Parse<T>(string? csv, string field) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(csv)) return null;
        return [.. csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v =>
            !int.TryParse(v, out _) && Enum.TryParse<T>(v, ignoreCase: true, out var x) && Enum.IsDefined(x) ? x
                : throw RuleViolation.BadField(field, $"'{v}' is not one of {string.Join(", ", Enum.GetNames<T>())}."))];
    }
}

public static class TicketsApi
{
    public static RouteGroupBuilder MapTickets(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tickets").WithTags("Tickets");

        g.MapGet("/", async ([AsParameters] TicketListQuery q, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
                TypedResults.Ok(await TicketQuery.PageAsync(db, q.ToFilter(), q.Page ?? 1, q.PageSize ?? 50, time.GetUtcNow(), o.Value.WarnBefore, ct)))
            .RequireAuthorization(Permissions.TicketsRead)
            .WithSummary("The inbox: filter by kind, status, priority, tier, assignee, group, account, SLA state, tag; sorted by the next SLA deadline by default.");

        g.MapGet("/{id:guid}", async Task<Results<Ok<TicketDetail>, ProblemHttpResult>> (Guid id, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
                await TicketDetailQuery.LoadAsync(db, id, forCustomer: false, time.GetUtcNow(), o.Value.WarnBefore, ct) is { } d ? TypedResults.Ok(d) : ProblemResults.NotFound("Ticket"))
            .RequireAuthorization(Permissions.TicketsRead);

        g.MapPost("/", async (HttpRequest request, TicketCommands commands, CurrentUser user, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var (input, files) = await TicketRequests.ReadAsync<OpenTicketInput>(request, o, ct);
                var ticket = await commands.OpenAsync(input, await StaffAsync(user), files, ct);
                return TypedResults.Created($"/api/tickets/{ticket.Id}", await TicketDetailQuery.LoadAsync(db, ticket.Id, false, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .RequireAuthorization(Permissions.TicketsWork)
            .Accepts<OpenTicketInput>("application/json", "multipart/form-data")
            .WithSummary("Opens a ticket for an account. JSON, or multipart with the JSON in 'payload' and files in 'files'.");

        g.MapPost("/{id:guid}/replies", async (Guid id, HttpRequest request, TicketCommands commands, CurrentUser user, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var (input, files) = await TicketRequests.ReadAsync<ReplyInput>(request, o, ct);
                await commands.ReplyAsync(id, input, await StaffAsync(user), files, ct);
                return TypedResults.Ok(await TicketDetailQuery.LoadAsync(db, id, false, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .RequireAuthorization(Permissions.TicketsWork)
            .Accepts<ReplyInput>("application/json", "multipart/form-data")
            .WithSummary("A public reply (the customer sees it) or an internal note (internal: true), optionally moving the status.");

        g.MapPatch("/{id:guid}", async (Guid id, TicketChange change, TicketCommands commands, CurrentUser user, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                await commands.ChangeAsync(id, change, await StaffAsync(user), ct);
                return TypedResults.Ok(await TicketDetailQuery.LoadAsync(db, id, false, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .RequireAuthorization(Permissions.TicketsWork)
            .WithSummary("Changes status, priority, kind, assignee, group, tags or the major-incident flag; each change is kept in the history.");

        g.MapGet("/{id:guid}/attachments/{attachmentId:guid}", async (Guid id, Guid attachmentId, PharosDb db, AttachmentStore store, CancellationToken ct) =>
                await FileAsync(db, store, id, attachmentId, forCustomer: false, ct))
            .RequireAuthorization(Permissions.TicketsRead);

        return api;
    }

    internal static async Task<Author> StaffAsync(CurrentUser user)
    {
        var actor = await user.NamedActorAsync();
        return new Author(actor.UserId, actor.Name, IsCustomer: false);
    }

    /// <summary>Serves a file only through its ticket, as a download (never rendered inline, never sniffed).</summary>
    internal static async Task<IResult> FileAsync(PharosDb db, AttachmentStore store, Guid ticketId, Guid attachmentId, bool forCustomer, CancellationToken ct)
    {
        var file = await (from a in db.Set<TicketAttachment>().AsNoTracking()
                          join e in db.Set<TicketEntry>() on a.EntryId equals e.Id
                          where a.Id == attachmentId && a.TicketId == ticketId
                          select new { a.StoreKey, a.FileName, a.ContentType, e.Type }).FirstOrDefaultAsync(ct);
        if (file is null || (forCustomer && file.Type != EntryType.Reply)) return ProblemResults.NotFound("Attachment");
        return TypedResults.File(store.OpenRead(file.StoreKey), file.ContentType, file.FileName);
    }
}
