using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Platform.Problems;

namespace Pharos.Service.Sla;

/// <summary>Targets in working minutes (首次响应 / 再次响应 / 解决).</summary>
public sealed record SlaTargets(
    [property: Range(1, 525_600)] int? FirstResponseMinutes,
    [property: Range(1, 525_600)] int? NextResponseMinutes,
    [property: Range(1, 525_600)] int? ResolutionMinutes);

/// <summary>
/// Give the calendar inline or by <see cref="CalendarId"/> (else the policy's, else the default calendar), and the
/// targets inline or by <see cref="Tier"/> + <see cref="Priority"/> (+ <see cref="Kind"/>) from the policy matrix.
/// </summary>
public sealed record SlaPreviewRequest(BusinessCalendar? Calendar, SlaTargets? Targets, DateTimeOffset? Start, IReadOnlyList<Pause>? Pauses,
    Guid? CalendarId = null, Tier? Tier = null, TicketPriority? Priority = null, TicketKind? Kind = null);

/// <summary>Due times in the calendar's own offset, so "09:55+08:00" reads as the agent's clock.</summary>
public sealed record SlaPreviewResult(DateTimeOffset Start, DateTimeOffset? FirstResponseDue, DateTimeOffset? NextResponseDue, DateTimeOffset? ResolutionDue,
    string TimeZone, TimeSpan PausedWorkingTime);

/// <summary>
/// Lets an admin check a calendar and targets before tickets depend on them: "a P1 opened Friday 17:55 before a
/// holiday is due when?". The same <see cref="SlaClock"/> will drive real tickets.
/// </summary>
public static class SlaPreviewApi
{
    public static SlaPreviewResult Preview(SlaPreviewRequest req)
    {
        var calendar = req.Calendar ?? throw RuleViolation.BadField("calendar", "Give the business calendar to compute with.");
        var targets = req.Targets ?? throw RuleViolation.BadField("targets", "Give at least one target in minutes.");
        if (req.Start is not { } start) throw RuleViolation.BadField("start", "Give the moment the ticket was opened (ISO 8601 with offset).");
        RuleViolation.ThrowIfInvalid(calendar);
        RuleViolation.ThrowIfInvalid(targets);
        if (targets is { FirstResponseMinutes: null, NextResponseMinutes: null, ResolutionMinutes: null })
            throw RuleViolation.BadField("targets", "Give at least one target in minutes.");
        var pauses = req.Pauses ?? [];
        for (var i = 0; i < pauses.Count; i++)
        {
            if (pauses[i].Until is not { } until) throw RuleViolation.BadField($"pauses[{i}].until", "A previewed pause needs an end.");
            if (until < pauses[i].From) throw RuleViolation.BadField($"pauses[{i}].until", "A pause ends after it starts.");
        }
        var zone = calendar.Zone();
        DateTimeOffset? Due(int? minutes) => minutes is { } m && SlaClock.DueAt(calendar, start, TimeSpan.FromMinutes(m), pauses) is { } due
            ? TimeZoneInfo.ConvertTime(due, zone) : null;
        var paused = pauses.Aggregate(TimeSpan.Zero, (sum, p) => sum + SlaClock.Between(calendar, p.From, p.Until!.Value));
        return new SlaPreviewResult(TimeZoneInfo.ConvertTime(start, zone), Due(targets.FirstResponseMinutes), Due(targets.NextResponseMinutes),
            Due(targets.ResolutionMinutes), calendar.TimeZone, paused);
    }

    public static SlaTargets TargetsOf(SlaPolicy p) => new(p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes);

    /// <summary>Fills in a calendar and targets named by id or by tier × priority, so <see cref="Preview"/> stays pure.</summary>
    private static async Task<SlaPreviewRequest> ResolveAsync(SlaPreviewRequest req, PharosDb db, SlaPolicies policies, CancellationToken ct)
    {
        var calendar = req.Calendar;
        if (calendar is null && req.CalendarId is { } id)
            calendar = await db.Set<ServiceCalendar>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Calendar).FirstOrDefaultAsync(ct)
                ?? throw RuleViolation.BadField("calendarId", "No calendar with this id.");
        var targets = req.Targets;
        if (targets is null && req.Tier is { } tier)
        {
            if (req.Priority is not { } priority) throw RuleViolation.BadField("priority", "Give the priority with the tier.");
            var resolved = await policies.ResolveAsync(tier, priority, req.Kind, ct)
                ?? throw RuleViolation.Format("tier", "No SLA policy for {0} × {1}.", tier, priority);
            targets = TargetsOf(resolved.Policy);
            calendar ??= resolved.Calendar;
        }
        calendar ??= await db.Set<ServiceCalendar>().AsNoTracking().Where(c => c.IsDefault).Select(c => c.Calendar).FirstOrDefaultAsync(ct);
        return req with { Calendar = calendar, Targets = targets };
    }

    public static RouteGroupBuilder MapSlaPreview(this RouteGroupBuilder api)
    {
        api.MapPost("/service/sla/preview", async (SlaPreviewRequest req, PharosDb db, SlaPolicies policies, CancellationToken ct) =>
                TypedResults.Ok(Preview(await ResolveAsync(req, db, policies, ct))))
            .RequireAuthorization(Permissions.ServiceAdmin)
            .WithTags("Service")
            .WithSummary("Every due time of a calendar and targets from a start, with optional pauses (waiting on the customer).");
        return api;
    }
}
