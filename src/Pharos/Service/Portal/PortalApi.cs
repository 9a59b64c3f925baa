using System.Security.Claims;
using Microsoft.Extensions.Options;
using Pharos.Platform.Data;
using Pharos.Platform.Files;
using Pharos.Platform.Identity;
using Pharos.Service.Inbox;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Portal;

public sealed record PortalTicketInput(TicketKind? Kind, string? Subject, string? Body, TicketPriority? Priority);

/// <summary>
/// The customer's side of the service desk. Every call is scoped by <see cref="PortalScope"/> before anything is
/// read; an id outside the scope is a 404 whatever it is.
/// </summary>
public static class PortalApi
{
    public static RouteGroupBuilder MapPortal(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/portal/tickets").WithTags("Portal").RequireAuthorization(p => p.RequireRole(Roles.Portal));

        g.MapGet("/", async (string? q, string? status, bool? open, int? page, int? pageSize, ClaimsPrincipal me, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                var filter = new TicketFilter
                {
                    Q = q, Status = TicketListQuery.Parse<TicketStatus>(status, "status"), OpenOnly = open == true, AccountId = scope.AccountId,
                    RequesterUserId = scope.SeesWholeAccount ? null : scope.UserId, Sort = "updated", Desc = true,
                };
                var result = await TicketQuery.PageAsync(db, filter, page ?? 1, pageSize ?? 25, time.GetUtcNow(), o.Value.WarnBefore, ct);
                // Staff names, groups and SLA internals are not the customer's business.
                return TypedResults.Ok(result with { Items = [.. result.Items.Select(r => r with { AssigneeId = null, AssigneeName = null, GroupName = null, Tags = [] })] });
            })
            .WithSummary("The signed-in customer's tickets: all of the account's for a customer administrator, their own for a business user.");

        g.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal me, PharosDb db, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                await scope.EnsureCanSeeAsync(db, id, ct);
                return TypedResults.Ok(await TicketDetailQuery.LoadAsync(db, id, forCustomer: true, time.GetUtcNow(), o.Value.WarnBefore, ct));
            });

        g.MapPost("/", async (HttpRequest request, ClaimsPrincipal me, PharosDb db, TicketCommands commands, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                var (input, files) = await TicketRequests.ReadAsync<PortalTicketInput>(request, o, ct);
                var ticket = await commands.OpenAsync(new OpenTicketInput
                {
                    AccountId = scope.AccountId, ContactId = scope.ContactId, Kind = input.Kind, Subject = input.Subject, Body = input.Body,
                    // A customer may flag urgency, but not above High: urgent is for staff to declare.
                    Priority = input.Priority is TicketPriority.Urgent ? TicketPriority.High : input.Priority,
                }, scope.Author, files, ct);
                return TypedResults.Created($"/api/portal/tickets/{ticket.Id}", await TicketDetailQuery.LoadAsync(db, ticket.Id, true, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .Accepts<PortalTicketInput>("application/json", "multipart/form-data")
            .WithSummary("Opens a ticket for the customer's own account. JSON, or multipart with the JSON in 'payload' and files in 'files'.");

        g.MapPost("/{id:guid}/replies", async (Guid id, HttpRequest request, ClaimsPrincipal me, PharosDb db, TicketCommands commands, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                await scope.EnsureCanSeeAsync(db, id, ct);
                var (input, files) = await TicketRequests.ReadAsync<ReplyInput>(request, o, ct);
                await commands.ReplyAsync(id, input, scope.Author, files, ct);
                return TypedResults.Ok(await TicketDetailQuery.LoadAsync(db, id, true, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .Accepts<ReplyInput>("application/json", "multipart/form-data");

        g.MapPost("/{id:guid}/rating", async (Guid id, RatingInput input, ClaimsPrincipal me, PharosDb db, TicketCommands commands, TimeProvider time, IOptions<ServiceOptions> o, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                await scope.EnsureCanSeeAsync(db, id, ct);
                await commands.RateAsync(id, input, scope.Author, ct);
                return TypedResults.Ok(await TicketDetailQuery.LoadAsync(db, id, true, time.GetUtcNow(), o.Value.WarnBefore, ct));
            })
            .WithSummary("Rates a resolved ticket 1–5 (CSAT) with an optional comment.");

        g.MapGet("/{id:guid}/attachments/{attachmentId:guid}", async (Guid id, Guid attachmentId, ClaimsPrincipal me, PharosDb db, AttachmentStore store, CancellationToken ct) =>
            {
                var scope = await PortalScope.ForAsync(me, db, ct);
                await scope.EnsureCanSeeAsync(db, id, ct);
                return await TicketsApi.FileAsync(db, store, id, attachmentId, forCustomer: true, ct);
            });
        return api;
    }
}
