using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Notifications;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Escalation;

public sealed record EscalationRun(int Warned, int Breached, int Escalated, int Closed);

/// <summary>
/// The SLA watch (DOMAIN.md §3: "a tracked deadline at every step"): before a deadline the assignee is warned, at the
/// breach the group lead is told, and if the ticket is still overdue after <see cref="ServiceOptions.EscalateAfter"/>
/// the operations managers are. Each step is remembered on the ticket against the deadline it was for, so a run is
/// idempotent and a new deadline (after a reply) starts the ladder again.
/// </summary>
public sealed class SlaEscalation(PharosDb db, Notifier notifier, TimeProvider time, IOptions<ServiceOptions> options)
{
    private static readonly TicketStatus[] Running = [TicketStatus.New, TicketStatus.Open, TicketStatus.InProgress];

    public async Task<EscalationRun> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var soon = now + o.WarnBefore;
        var due = await db.Set<Ticket>().Where(t => Running.Contains(t.Status) && t.NextDueAt != null && t.NextDueAt <= soon).ToListAsync(ct);
        var (warned, breached, escalated) = (0, 0, 0);
        List<Guid>? managers = null;
        foreach (var t in due)
        {
            var deadline = t.NextDueAt!.Value;
            if (deadline > now)
            {
                if (t.WarnedDueAt == deadline) continue;
                t.WarnedDueAt = deadline;
                t.EscalationLevel = Math.Max(t.EscalationLevel, 1);
                await notifier.NotifyAsync(await ResponsibleAsync(t, ct), await NoticeAsync(t, "Ticket #{0} will breach its SLA at {1:MM-dd HH:mm}: {2}", deadline, ct), ct);
                warned++;
                continue;
            }
            if (t.BreachedDueAt != deadline)
            {
                t.BreachedDueAt = deadline;
                t.WarnedDueAt = deadline;
                t.SlaMissed = true;
                t.EscalationLevel = 2;
                var lead = await SupportGroupLeads.LeadOfAsync(db, t.GroupId, ct);
                var to = new List<Guid>();
                if (t.AssigneeId is { } a) to.Add(a);
                if (lead is { } l) to.Add(l);
                if (lead is null) to.AddRange(managers ??= await ManagersAsync(ct));
                await notifier.NotifyAsync(to, await NoticeAsync(t, "Ticket #{0} breached its SLA at {1:MM-dd HH:mm}: {2}", deadline, ct), ct);
                AddEvent(t, "escalation", "2", now);
                breached++;
            }
            else if (t.EscalationLevel < 3 && now >= deadline + o.EscalateAfter)
            {
                t.EscalationLevel = 3;
                await notifier.NotifyAsync(managers ??= await ManagersAsync(ct), await NoticeAsync(t, "Ticket #{0} is still overdue since {1:MM-dd HH:mm}: {2}", deadline, ct), ct);
                AddEvent(t, "escalation", "3", now);
                escalated++;
            }
        }

        // A resolved ticket closes once the customer can no longer reopen it by replying.
        var cutoff = now.AddDays(-o.ReopenDays);
        var stale = await db.Set<Ticket>().Where(t => t.Status == TicketStatus.Resolved && t.ResolvedAt <= cutoff).ToListAsync(ct);
        foreach (var t in stale)
        {
            AddEvent(t, "status", TicketStatus.Closed.ToString(), now, TicketStatus.Resolved.ToString());
            t.MoveTo(TicketStatus.Closed, now);
        }
        await db.SaveChangesAsync(ct);
        return new EscalationRun(warned, breached, escalated, stale.Count);
    }

    /// <summary>Whoever answers for the ticket; when nobody does, operations managers hear of it rather than nobody.</summary>
    private async Task<IReadOnlyList<Guid>> ResponsibleAsync(Ticket t, CancellationToken ct) =>
        await SupportGroupLeads.ResponsibleAsync(db, t, ct) is { } who ? [who] : await ManagersAsync(ct);

    private async Task<List<Guid>> ManagersAsync(CancellationToken ct) =>
        await (from ur in db.UserRoles
               join r in db.Roles on ur.RoleId equals r.Id
               join u in db.Users on ur.UserId equals u.Id
               where r.Name == Roles.Operations && u.LockoutEnd == null
               select u.Id).ToListAsync(ct);

    private void AddEvent(Ticket t, string field, string to, DateTimeOffset at, string? from = null) =>
        db.Add(new TicketEntry { TicketId = t.Id, At = at, Type = EntryType.Event, AuthorName = "Pharos", Field = field, OldValue = from, NewValue = to });

    private readonly Dictionary<Guid, TimeZoneInfo> _zones = [];

    /// <summary>The deadline on the ticket calendar's clock: "breaches at 17:30" means Shanghai time to a Shanghai team.</summary>
    private async Task<Notice> NoticeAsync(Ticket t, string template, DateTimeOffset deadline, CancellationToken ct)
    {
        var id = t.CalendarId ?? Guid.Empty;
        if (!_zones.TryGetValue(id, out var zone))
            _zones[id] = zone = (await db.Set<Calendars.ServiceCalendar>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Calendar).FirstOrDefaultAsync(ct))?.Zone() ?? TimeZoneInfo.Utc;
        return new(template, [t.Number, TimeZoneInfo.ConvertTime(deadline, zone), t.Subject], "", $"/service/tickets/{t.Id}");
    }
}

/// <summary>Runs the SLA watch every <see cref="ServiceOptions.CheckEvery"/>; on PostgreSQL one instance at a time.</summary>
internal sealed partial class SlaEscalationSchedule(IServiceScopeFactory scopes, IOptions<ServiceOptions> options, TimeProvider time, ILogger<SlaEscalationSchedule> log) : BackgroundService
{
    private const long LockKey = 0x5048_0002; // "PH" + 2: the SLA watch

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
                await using var tx = await db.Database.BeginTransactionAsync(stoppingToken);
                if (!await Platform.Jobs.ClusterLock.TryAcquireAsync(db, LockKey, stoppingToken)) continue;
                var run = await scope.ServiceProvider.GetRequiredService<SlaEscalation>().RunOnceAsync(stoppingToken);
                await tx.CommitAsync(stoppingToken);
                if (run != new EscalationRun(0, 0, 0, 0)) LogRun(run.Warned, run.Breached, run.Escalated, run.Closed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SLA watch: {Warned} warned, {Breached} breached, {Escalated} escalated, {Closed} closed")]
    private partial void LogRun(int warned, int breached, int escalated, int closed);

    [LoggerMessage(Level = LogLevel.Error, Message = "SLA watch failed")]
    private partial void LogFailed(Exception e);
}
