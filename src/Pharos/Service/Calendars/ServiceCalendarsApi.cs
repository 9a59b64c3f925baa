using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Policies;
using Pharos.Service.Sla;

namespace Pharos.Service.Calendars;

public sealed record CalendarInput(string? Name, BusinessCalendar? Calendar, bool IsDefault);
public sealed record CalendarRow(Guid Id, string Name, BusinessCalendar Calendar, bool IsDefault, DateTimeOffset UpdatedAt);

public sealed class ServiceCalendars(PharosDb db, TimeProvider time)
{
    public async Task<ServiceCalendar> SaveAsync(Guid? id, CalendarInput input, Actor actor, CancellationToken ct = default)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ServiceCalendar.NameMax) throw RuleViolation.BadField("name", "Name the calendar (1 to 100 characters).");
        var calendar = input.Calendar ?? throw RuleViolation.BadField("calendar", "Give the calendar's working periods or mark it always open.");
        RuleViolation.ThrowIfInvalid(calendar);
        if (await db.Set<ServiceCalendar>().AnyAsync(c => c.Name == name && c.Id != id, ct))
            throw RuleViolation.Format("name", "A calendar named '{0}' already exists.", name);
        var now = time.GetUtcNow();
        ServiceCalendar entity;
        if (id is { } existing)
        {
            entity = await db.Set<ServiceCalendar>().FirstOrDefaultAsync(c => c.Id == existing, ct) ?? throw new NotFound("Calendar");
            entity.Name = name;
            entity.Calendar = calendar;
            entity.UpdatedAt = now;
        }
        else
        {
            entity = new ServiceCalendar { Name = name, Calendar = calendar, CreatedAt = now, UpdatedAt = now };
            db.Add(entity);
        }
        var hasDefault = await db.Set<ServiceCalendar>().AnyAsync(c => c.IsDefault && c.Id != entity.Id, ct);
        if (input.IsDefault || !hasDefault)
        {
            // Exactly one default: the first calendar, or the one just marked.
            await db.Set<ServiceCalendar>().Where(c => c.IsDefault && c.Id != entity.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsDefault, false), ct);
            entity.IsDefault = true;
        }
        db.Audit(actor, now, "ServiceCalendar", entity.Id, id is null ? "created" : "updated", new { entity.Name, entity.IsDefault });
        await db.SaveChangesAsync(ct);
        return entity;
    }

    public async Task DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var entity = await db.Set<ServiceCalendar>().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFound("Calendar");
        var used = await db.Set<SlaPolicy>().CountAsync(p => p.CalendarId == id, ct);
        if (used > 0) throw RuleViolation.Format(null, "{0} SLA policies use this calendar; move them to another calendar first.", used);
        if (entity.IsDefault && await db.Set<ServiceCalendar>().AnyAsync(c => c.Id != id, ct))
            throw new RuleViolation("This is the default calendar; make another one the default first.");
        db.Remove(entity);
        db.Audit(actor, time.GetUtcNow(), "ServiceCalendar", id, "deleted", new { entity.Name });
        await db.SaveChangesAsync(ct);
    }
}

public static class ServiceCalendarsApi
{
    public static RouteGroupBuilder MapServiceCalendars(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/service/calendars").WithTags("Service");
        g.MapGet("/", async (PharosDb db, CancellationToken ct) =>
                TypedResults.Ok((await db.Set<ServiceCalendar>().AsNoTracking().ToListAsync(ct)).OrderByDescending(c => c.IsDefault).ThenBy(c => c.Name, StringComparer.Ordinal)
                    .Select(Row)))
            .RequireAuthorization(Permissions.CustomersRead);
        g.MapGet("/{id:guid}", async (Guid id, PharosDb db, CancellationToken ct) =>
                await db.Set<ServiceCalendar>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } c ? Row(c) : throw new NotFound("Calendar"))
            .RequireAuthorization(Permissions.CustomersRead);
        g.MapPost("/", async (CalendarInput input, ServiceCalendars calendars, CurrentUser user, CancellationToken ct) =>
            {
                var c = await calendars.SaveAsync(null, input, await user.ActorAsync(), ct);
                return TypedResults.Created($"/api/service/calendars/{c.Id}", Row(c));
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        g.MapPut("/{id:guid}", async (Guid id, CalendarInput input, ServiceCalendars calendars, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(Row(await calendars.SaveAsync(id, input, await user.ActorAsync(), ct))))
            .RequireAuthorization(Permissions.ServiceAdmin);
        g.MapDelete("/{id:guid}", async (Guid id, ServiceCalendars calendars, CurrentUser user, CancellationToken ct) =>
            {
                await calendars.DeleteAsync(id, await user.ActorAsync(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        return api;
    }

    private static CalendarRow Row(ServiceCalendar c) => new(c.Id, c.Name, c.Calendar, c.IsDefault, c.UpdatedAt);
}
