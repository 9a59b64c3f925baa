using System.ComponentModel.DataAnnotations;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Service.Sla;

/// <summary>Targets in working minutes (首次响应 / 再次响应 / 解决).</summary>
public sealed record SlaTargets(
    [property: Range(1, 525_600)] int? FirstResponseMinutes,
    [property: Range(1, 525_600)] int? NextResponseMinutes,
    [property: Range(1, 525_600)] int? ResolutionMinutes);

public sealed record SlaPreviewRequest(BusinessCalendar? Calendar, SlaTargets? Targets, DateTimeOffset? Start, IReadOnlyList<Pause>? Pauses);

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

    public static RouteGroupBuilder MapSlaPreview(this RouteGroupBuilder api)
    {
        api.MapPost("/service/sla/preview", (SlaPreviewRequest req) => TypedResults.Ok(Preview(req)))
            .RequireAuthorization(Permissions.ServiceAdmin)
            .WithTags("Service")
            .WithSummary("Every due time of a calendar and targets from a start, with optional pauses (waiting on the customer).");
        return api;
    }
}
