using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Calendars;
using Pharos.Service.Public;
using Pharos.Service.Sla;

namespace Pharos.Service.Policies;

public sealed record SlaPolicyRow(Tier Tier, TicketPriority Priority, TicketKind? Kind, Guid CalendarId, int? FirstResponseMinutes, int? NextResponseMinutes, int? ResolutionMinutes);

/// <summary>The policy matrix: replaced whole (it is edited as one table), and resolved most-specific first.</summary>
public sealed class SlaPolicies(PharosDb db, TimeProvider time)
{
    public const int MaxMinutes = 525_600;

    public async Task<IReadOnlyList<SlaPolicyRow>> ListAsync(CancellationToken ct = default) =>
        (await db.Set<SlaPolicy>().AsNoTracking().ToListAsync(ct))
            .OrderBy(p => p.Tier).ThenBy(p => p.Priority).ThenBy(p => p.Kind.HasValue).ThenBy(p => p.Kind)
            .Select(p => new SlaPolicyRow(p.Tier, p.Priority, p.Kind, p.CalendarId, p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes)).ToList();

    public async Task ReplaceAsync(IReadOnlyList<SlaPolicyRow>? rows, Actor actor, CancellationToken ct = default)
    {
        if (rows is null) throw RuleViolation.BadField("policies", "Send the list of policies.");
        var calendars = await db.Set<ServiceCalendar>().Select(c => c.Id).ToListAsync(ct);
        var seen = new HashSet<(Tier, TicketPriority, TicketKind?)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (!seen.Add((r.Tier, r.Priority, r.Kind)))
                throw RuleViolation.BadField($"[{i}]", $"Row {i + 1} repeats {r.Tier} × {r.Priority}{(r.Kind is null ? "" : " × " + r.Kind)}.");
            if (!calendars.Contains(r.CalendarId)) throw RuleViolation.BadField($"[{i}].calendarId", $"Row {i + 1} names an unknown calendar.");
            if (r is { FirstResponseMinutes: null, NextResponseMinutes: null, ResolutionMinutes: null })
                throw RuleViolation.BadField($"[{i}]", $"Row {i + 1} has no target.");
            foreach (var (field, value) in new[] { ("firstResponseMinutes", r.FirstResponseMinutes), ("nextResponseMinutes", r.NextResponseMinutes), ("resolutionMinutes", r.ResolutionMinutes) })
                if (value is < 1 or > MaxMinutes) throw RuleViolation.BadField($"[{i}].{field}", $"Targets are 1 to {MaxMinutes} working minutes.");
        }
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<SlaPolicy>().ExecuteDeleteAsync(ct);
        db.AddRange(rows.Select(r => new SlaPolicy
        {
            Tier = r.Tier, Priority = r.Priority, Kind = r.Kind, CalendarId = r.CalendarId, FirstResponseMinutes = r.FirstResponseMinutes,
            NextResponseMinutes = r.NextResponseMinutes, ResolutionMinutes = r.ResolutionMinutes, UpdatedAt = now,
        }));
        db.Audit(actor, now, "SlaPolicies", Guid.Empty, "updated", new { count = rows.Count });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The policy for a ticket: its kind's own row if there is one, else the tier × priority row for any kind.</summary>
    public async Task<(SlaPolicy Policy, BusinessCalendar Calendar)?> ResolveAsync(Tier tier, TicketPriority priority, TicketKind? kind, CancellationToken ct = default)
    {
        var candidates = await db.Set<SlaPolicy>().AsNoTracking().Where(p => p.Tier == tier && p.Priority == priority).ToListAsync(ct);
        var policy = candidates.FirstOrDefault(p => kind is not null && p.Kind == kind) ?? candidates.FirstOrDefault(p => p.Kind is null);
        if (policy is null) return null;
        var calendar = await db.Set<ServiceCalendar>().AsNoTracking().Where(c => c.Id == policy.CalendarId).Select(c => c.Calendar).FirstAsync(ct);
        return (policy, calendar);
    }
}

public static class SlaPoliciesApi
{
    public static RouteGroupBuilder MapSlaPolicies(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/service/sla/policies").WithTags("Service");
        g.MapGet("/", async (SlaPolicies policies, CancellationToken ct) => TypedResults.Ok(await policies.ListAsync(ct)))
            .RequireAuthorization(Permissions.CustomersRead);
        g.MapPut("/", async (List<SlaPolicyRow>? rows, SlaPolicies policies, CurrentUser user, CancellationToken ct) =>
            {
                await policies.ReplaceAsync(rows, await user.ActorAsync(), ct);
                return TypedResults.Ok(await policies.ListAsync(ct));
            })
            .RequireAuthorization(Permissions.ServiceAdmin)
            .WithSummary("Replaces the whole policy matrix (tier × priority, optionally × kind) in one transaction.");
        return api;
    }
}
