using Pharos.Service.Public;
using Pharos.Service.Sla;

namespace Pharos.Service.Tickets;

/// <summary>
/// The SLA rules of a ticket. Every deadline is recomputed from the start moments and the pauses (never shifted
/// by hand), so a pause, a reopen or a priority change gives the same answer as the preview would.
/// </summary>
public sealed partial class Ticket
{
    public void SetTargets(Guid? calendarId, int? firstResponse, int? nextResponse, int? resolution)
    {
        CalendarId = calendarId;
        FirstResponseTarget = firstResponse;
        NextResponseTarget = nextResponse;
        ResolutionTarget = resolution;
    }

    /// <summary>Recomputes every deadline and <see cref="NextDueAt"/>. A null calendar (no policy) means no targets.</summary>
    public void RecomputeSla(BusinessCalendar? calendar)
    {
        DateTimeOffset? Due(DateTimeOffset? start, int? minutes) =>
            calendar is not null && start is { } s && minutes is { } m ? SlaClock.DueAt(calendar, s, TimeSpan.FromMinutes(m), Pauses) : null;
        FirstResponseDueAt = Due(CreatedAt, FirstResponseTarget);
        NextResponseDueAt = Due(NextResponseStartedAt, NextResponseTarget);
        ResolutionDueAt = Due(CreatedAt, ResolutionTarget);
        NextDueAt = !IsOpen ? null : Earliest(FirstRespondedAt is null ? FirstResponseDueAt : null, NextResponseDueAt, ResolutionDueAt);
    }

    /// <summary>A public reply by staff: it answers the first response or the pending next response.</summary>
    public void AgentReplied(DateTimeOffset at)
    {
        LastAgentReplyAt = at;
        if (FirstRespondedAt is null)
        {
            FirstRespondedAt = at;
            FirstResponseMet = FirstResponseDueAt is not { } due || at <= due;
            SlaMissed |= FirstResponseMet == false;
        }
        else if (NextResponseStartedAt is not null)
        {
            NextResponseMet = NextResponseDueAt is not { } due || at <= due;
            SlaMissed |= NextResponseMet == false;
            NextResponseStartedAt = null;
        }
    }

    /// <summary>A customer's message after staff have answered starts the next-response clock (if not already running).</summary>
    public void CustomerReplied(DateTimeOffset at)
    {
        LastCustomerReplyAt = at;
        if (FirstRespondedAt is not null && NextResponseStartedAt is null) NextResponseStartedAt = at;
    }

    /// <summary>Moves to a status and keeps the clock honest: waiting pauses it, resolving stops it, reopening resumes it.</summary>
    public void MoveTo(TicketStatus next, DateTimeOffset at)
    {
        if (next == Status) return;
        if (Status == TicketStatus.WaitingOnCustomer) ClosePause(at);
        if (Status == TicketStatus.Resolved && next != TicketStatus.Closed)
        {
            // The time between resolution and reopening was not the team's to use.
            if (ResolvedAt is { } resolved) Pauses.Add(new Pause(resolved, at));
            ResolvedAt = null;
            ResolutionMet = null;
        }
        if (next == TicketStatus.WaitingOnCustomer) Pauses.Add(new Pause(at, null));
        if (next == TicketStatus.Resolved)
        {
            ResolvedAt = at;
            ResolutionMet = ResolutionDueAt is not { } due || at <= due;
            SlaMissed |= ResolutionMet == false;
            NextResponseStartedAt = null;
        }
        if (next == TicketStatus.Closed)
        {
            ClosedAt = at;
            ResolvedAt ??= at;
            NextResponseStartedAt = null;
        }
        Status = next;
    }

    private void ClosePause(DateTimeOffset at)
    {
        var open = Pauses.FindLastIndex(p => p.Until is null);
        if (open >= 0) Pauses[open] = Pauses[open] with { Until = at };
    }

    /// <summary>Where the ticket stands now; <paramref name="warnBefore"/> is how close to a deadline counts as at risk.</summary>
    public SlaState StateAt(DateTimeOffset now, TimeSpan warnBefore) => StateOf(Status, NextDueAt, SlaMissed, CalendarId is not null, now, warnBefore);

    public static SlaState StateOf(TicketStatus status, DateTimeOffset? nextDue, bool missed, bool hasTargets, DateTimeOffset now, TimeSpan warnBefore)
    {
        if (!hasTargets) return SlaState.None;
        if (status is TicketStatus.Resolved or TicketStatus.Closed) return missed ? SlaState.Missed : SlaState.Met;
        if (status == TicketStatus.WaitingOnCustomer) return SlaState.Paused;
        if (nextDue is not { } due) return SlaState.None;
        return due <= now ? SlaState.Breached : due <= now + warnBefore ? SlaState.AtRisk : SlaState.OnTrack;
    }

    private static DateTimeOffset? Earliest(params DateTimeOffset?[] times) =>
        times.Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty().Min() is var min && min != default ? min : null;
}
