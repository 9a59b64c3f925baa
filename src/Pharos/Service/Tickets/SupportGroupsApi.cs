using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Service.Tickets;

public sealed record SupportGroupInput(string? Name, Guid? LeadId);
public sealed record SupportGroupRow(Guid Id, string Name, Guid? LeadId, string? LeadName);

public static class SupportGroupsApi
{
    public static Task<List<SupportGroupRow>> ListAsync(PharosDb db, CancellationToken ct) =>
        db.Set<SupportGroup>().AsNoTracking().OrderBy(g => g.Name)
            .Select(g => new SupportGroupRow(g.Id, g.Name, g.LeadId, db.Users.Where(u => u.Id == g.LeadId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);

    public static async Task<SupportGroup> SaveAsync(PharosDb db, Guid? id, SupportGroupInput input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name)) throw RuleViolation.BadField("name", "A name is required.");
        if (name.Length > SupportGroup.NameMax) throw RuleViolation.BadField("name", $"The name is at most {SupportGroup.NameMax} characters.");
        if (await db.Set<SupportGroup>().AnyAsync(g => g.Name == name && g.Id != id, ct)) throw RuleViolation.BadField("name", "Another group has this name.");
        if (input.LeadId is { } lead && !await db.Users.AnyAsync(u => u.Id == lead && u.Kind == UserKind.Staff, ct))
            throw RuleViolation.BadField("leadId", "The lead must be a staff user.");
        var group = id is { } existing ? await db.Set<SupportGroup>().FindAsync([existing], ct) ?? throw new NotFound("Support group") : new SupportGroup { Name = name };
        if (id is null) db.Add(group);
        group.Name = name;
        group.LeadId = input.LeadId;
        db.Audit(actor, now, "SupportGroup", group.Id, id is null ? "created" : "updated", input);
        await db.SaveChangesAsync(ct);
        return group;
    }

    public static RouteGroupBuilder MapSupportGroups(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/service/groups").WithTags("Service");
        g.MapGet("/", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await ListAsync(db, ct))).RequireAuthorization(Permissions.TicketsRead);
        g.MapPost("/", async (SupportGroupInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                var group = await SaveAsync(db, null, input, await user.ActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Created($"/api/service/groups/{group.Id}", (await ListAsync(db, ct)).First(r => r.Id == group.Id));
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        g.MapPut("/{id:guid}", async (Guid id, SupportGroupInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                await SaveAsync(db, id, input, await user.ActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Ok((await ListAsync(db, ct)).First(r => r.Id == id));
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        return api;
    }
}
