using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Reports;

/// <summary>What to report on: the tickets opened on the Shanghai days [<see cref="From"/>, <see cref="To"/>), optionally of some tiers and kinds.</summary>
public sealed record ServiceReportFilter(DateOnly From, DateOnly To, Tier[]? Tiers = null, TicketKind[]? Kinds = null);

/// <summary>The query string of the API: dates as yyyy-MM-dd (Shanghai days, <c>to</c> exclusive), tiers and kinds as comma-separated names.</summary>
public sealed record ServiceReportQuery(string? From, string? To, string? Tier, string? Kind)
{
    public ServiceReportFilter ToFilter(DateTimeOffset now)
    {
        var (from, to) = ServiceReport.Range(Date(From, "from"), Date(To, "to"), now);
        return new(from, to, TicketListQuery.Parse<Tier>(Tier, "tier"), TicketListQuery.Parse<TicketKind>(Kind, "kind"));
    }

    private static DateOnly? Date(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null
            : DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw RuleViolation.BadField(field, $"'{value}' is not a date: write it as yyyy-MM-dd.");
}

/// <summary>Met and missed targets of one kind (first response or resolution). Tickets whose target is still running are in neither.</summary>
public sealed record SlaRate(int Met, int Missed)
{
    public int Measured => Met + Missed;
    /// <summary>Met as a percentage of <see cref="Measured"/>, to one decimal; null when nothing was measured.</summary>
    public double? Percent => Measured == 0 ? null : Math.Round(100.0 * Met / Measured, 1);
    internal SlaRate Plus(SlaRate o) => new(Met + o.Met, Missed + o.Missed);
}

/// <summary>One cell of the compliance table; a null tier or priority means "all" (a row or column total).</summary>
public sealed record ComplianceCell(Tier? Tier, TicketPriority? Priority, int Tickets, SlaRate FirstResponse, SlaRate Resolution);

public sealed record ComplianceTable(IReadOnlyList<ComplianceCell> Cells, IReadOnlyList<ComplianceCell> ByTier, IReadOnlyList<ComplianceCell> ByPriority, ComplianceCell Total);

/// <summary>Tickets opened in one ISO week (Monday 00:00 to Monday 00:00, Shanghai time), by kind.</summary>
public sealed record WeekVolume(DateOnly WeekStart, int IsoYear, int IsoWeek, IReadOnlyDictionary<TicketKind, int> ByKind, int Total);

/// <summary>Elapsed wall-clock minutes from opening; a null priority means all priorities together.</summary>
public sealed record TimePercentiles(TicketPriority? Priority, int Tickets, double? P50, double? P90, double? P95);

/// <summary>Ratings of one tier (null: all). <see cref="Distribution"/>[0] counts score 1, …, [4] score 5.</summary>
public sealed record CsatSummary(Tier? Tier, int Ratings, double? Average, IReadOnlyList<int> Distribution, double? SatisfiedPercent);

public sealed record CsatCommentRow(Guid TicketId, int Number, Tier Tier, int Score, string Comment, DateTimeOffset? At);

public sealed record CsatReport(CsatSummary Overall, IReadOnlyList<CsatSummary> ByTier, IReadOnlyList<CsatCommentRow> Latest);

public sealed record ServiceReportData(DateOnly From, DateOnly To, string TimeZone, DateTimeOffset AsOf, IReadOnlyList<Tier> Tiers, IReadOnlyList<TicketKind> Kinds,
    int Tickets, ComplianceTable Compliance, IReadOnlyList<WeekVolume> Volume, IReadOnlyList<TimePercentiles> FirstResponseTimes,
    IReadOnlyList<TimePercentiles> ResolutionTimes, CsatReport Csat);

/// <summary>
/// The service reports. Every section is about the same tickets: those <b>opened</b> in the range (a cohort), so the
/// numbers of one range add up and do not move when a later range is looked at.
/// <para>
/// <b>SLA compliance</b>, separately for the first response and for resolution, over the tickets that carry that target:
/// <list type="bullet">
/// <item><b>met</b>: the stored verdict is met (<see cref="Ticket.FirstResponseMet"/> / <see cref="Ticket.ResolutionMet"/> is true; it is set
/// when the response or resolution happens, by the ticket's calendar and pauses);</item>
/// <item><b>missed</b>: the stored verdict is missed, or there is no verdict yet and the due time passed while the ticket was still in the
/// team's hands: before now for an open ticket, before it was resolved or closed for a finished one (closed without an answer or a
/// resolution);</item>
/// <item><b>not counted</b>: no verdict and the due time has not passed (still running, paused, or finished without a verdict before the due time).</item>
/// </list>
/// % met = met ÷ (met + missed). A reopened ticket drops its resolution verdict until it is resolved again.
/// </para>
/// <para><b>Times</b> are elapsed wall-clock minutes from opening to the first staff reply and to resolution (or closing), whatever the
/// calendar says; percentiles by <see cref="Percentile"/> (type 7, as Excel's PERCENTILE.INC). Tickets still without that moment are left out.</para>
/// <para><b>Weeks</b> are ISO weeks starting Monday 00:00 Shanghai time; a week the range cuts is counted only within the range.</para>
/// <para><b>CSAT</b>: the ratings given to those tickets; "satisfied" is a 4 or a 5.</para>
/// Counting and grouping run in SQL; weeks and percentiles are computed in memory from a narrow projection (a few columns per
/// ticket, fine for tens of thousands of tickets), because week bucketing in a time zone differs per provider.
/// </summary>
public static class ServiceReport
{
    public const string TimeZoneId = "Asia/Shanghai";
    public const int MaxDays = 366;
    public const int DefaultWeeks = 8;
    public const int LatestComments = 10;
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    /// <summary>The Shanghai day of a moment.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The Monday of the ISO week holding <paramref name="day"/>.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>Shanghai midnight of a day, in UTC (PostgreSQL takes only UTC, SQLite compares stored UTC ticks).</summary>
    public static DateTimeOffset Midnight(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone), TimeSpan.Zero);

    /// <summary>
    /// Fills in and checks a range. Neither end: the last <see cref="DefaultWeeks"/> full weeks. Only the end: the
    /// <see cref="DefaultWeeks"/> weeks before it. Only the start: up to and including today.
    /// </summary>
    public static (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to, DateTimeOffset now)
    {
        var today = Day(now);
        var thisWeek = WeekStart(today);
        var end = to ?? (from is null ? thisWeek : today.AddDays(1));
        var start = from ?? end.AddDays(-7 * DefaultWeeks);
        var field = to is null ? "from" : "to";
        if (start >= end) throw RuleViolation.BadField(field, "The range ends before it starts: 'to' is the first day after the range.");
        if (end.DayNumber - start.DayNumber > MaxDays) throw RuleViolation.BadField(field, $"A report covers at most {MaxDays} days.");
        return (start, end);
    }

    public static async Task<ServiceReportData> LoadAsync(PharosDb db, ServiceReportFilter f, DateTimeOffset now, CancellationToken ct)
    {
        _ = Range(f.From, f.To, now); // the page builds filters itself: the same checks as the API
        now = now.ToUniversalTime();
        var start = Midnight(f.From);
        var end = Midnight(f.To);
        var tiers = f.Tiers is { Length: > 0 } t ? t.Distinct().Order().ToArray() : Enum.GetValues<Tier>();
        var kinds = f.Kinds is { Length: > 0 } k ? k.Distinct().Order().ToArray() : Enum.GetValues<TicketKind>();
        var q = db.Set<Ticket>().AsNoTracking().Where(x => x.CreatedAt >= start && x.CreatedAt < end);
        if (f.Tiers is { Length: > 0 }) q = q.Where(x => tiers.Contains(x.Tier));
        if (f.Kinds is { Length: > 0 }) q = q.Where(x => kinds.Contains(x.Kind));

        var compliance = await ComplianceAsync(q, tiers, now, ct);
        var rows = await q.Select(x => new TicketTimes(x.Kind, x.Priority, x.CreatedAt, x.FirstRespondedAt, x.ResolvedAt)).ToListAsync(ct);
        var csat = await CsatAsync(q, tiers, ct);
        return new ServiceReportData(f.From, f.To, TimeZoneId, now, tiers, kinds, rows.Count, compliance, Volume(rows, f.From, f.To, kinds),
            Times(rows, r => r.FirstRespondedAt), Times(rows, r => r.ResolvedAt), csat);
    }

    internal sealed record TicketTimes(TicketKind Kind, TicketPriority Priority, DateTimeOffset CreatedAt, DateTimeOffset? FirstRespondedAt, DateTimeOffset? ResolvedAt);

    private static async Task<ComplianceTable> ComplianceAsync(IQueryable<Ticket> q, Tier[] tiers, DateTimeOffset now, CancellationToken ct)
    {
        // The rule of the class comment, one conditional count per outcome. "Due passed while in the team's hands" is spelt
        // without COALESCE so each side compares a column with a value of the same (converted) type.
        var groups = await q.GroupBy(x => new { x.Tier, x.Priority }).Select(g => new
        {
            g.Key.Tier,
            g.Key.Priority,
            Tickets = g.Count(),
            FirstMet = g.Count(x => x.FirstResponseTarget != null && x.FirstResponseMet == true),
            FirstMissed = g.Count(x => x.FirstResponseTarget != null && (x.FirstResponseMet == false || (x.FirstResponseMet == null && x.FirstRespondedAt == null
                && ((x.ResolvedAt == null && x.FirstResponseDueAt < now) || (x.ResolvedAt != null && x.FirstResponseDueAt < x.ResolvedAt))))),
            ResolutionMet = g.Count(x => x.ResolutionTarget != null && x.ResolutionMet == true),
            ResolutionMissed = g.Count(x => x.ResolutionTarget != null && (x.ResolutionMet == false || (x.ResolutionMet == null
                && ((x.ResolvedAt == null && x.ResolutionDueAt < now) || (x.ResolvedAt != null && x.ResolutionDueAt < x.ResolvedAt))))),
        }).ToListAsync(ct);

        var empty = new SlaRate(0, 0);
        var cells = (from tier in tiers
                     from priority in Enum.GetValues<TicketPriority>()
                     let g = groups.FirstOrDefault(x => x.Tier == tier && x.Priority == priority)
                     select g is null
                         ? new ComplianceCell(tier, priority, 0, empty, empty)
                         : new ComplianceCell(tier, priority, g.Tickets, new SlaRate(g.FirstMet, g.FirstMissed), new SlaRate(g.ResolutionMet, g.ResolutionMissed))).ToList();
        static ComplianceCell Sum(Tier? tier, TicketPriority? priority, IEnumerable<ComplianceCell> of) => of.Aggregate(
            new ComplianceCell(tier, priority, 0, new SlaRate(0, 0), new SlaRate(0, 0)),
            (a, c) => a with { Tickets = a.Tickets + c.Tickets, FirstResponse = a.FirstResponse.Plus(c.FirstResponse), Resolution = a.Resolution.Plus(c.Resolution) });
        return new ComplianceTable(cells,
            [.. tiers.Select(t => Sum(t, null, cells.Where(c => c.Tier == t)))],
            [.. Enum.GetValues<TicketPriority>().Select(p => Sum(null, p, cells.Where(c => c.Priority == p)))],
            Sum(null, null, cells));
    }

    /// <summary>Every week the range touches, empty ones included, so a chart's x-axis has no gaps.</summary>
    internal static List<WeekVolume> Volume(IReadOnlyList<TicketTimes> rows, DateOnly from, DateOnly to, IReadOnlyList<TicketKind> kinds)
    {
        var counts = rows.GroupBy(r => (Week: WeekStart(Day(r.CreatedAt)), r.Kind)).ToDictionary(g => g.Key, g => g.Count());
        var weeks = new List<WeekVolume>();
        for (var week = WeekStart(from); week < to; week = week.AddDays(7))
        {
            var byKind = kinds.ToDictionary(k => k, k => counts.GetValueOrDefault((week, k)));
            var date = week.ToDateTime(TimeOnly.MinValue);
            weeks.Add(new WeekVolume(week, ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date), byKind, byKind.Values.Sum()));
        }
        return weeks;
    }

    /// <summary>Per priority, then all together (priority null).</summary>
    internal static List<TimePercentiles> Times(IReadOnlyList<TicketTimes> rows, Func<TicketTimes, DateTimeOffset?> until)
    {
        var minutes = rows.Where(r => until(r) is not null)
            .Select(r => (r.Priority, Minutes: Math.Max(0, (until(r)!.Value - r.CreatedAt).TotalMinutes))).ToList();
        static TimePercentiles Of(TicketPriority? priority, IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            double? P(double p) => Percentile.OfSorted(sorted, p) is { } v ? Math.Round(v, 1) : null;
            return new TimePercentiles(priority, sorted.Length, P(0.5), P(0.9), P(0.95));
        }
        return [.. Enum.GetValues<TicketPriority>().Select(p => Of(p, minutes.Where(m => m.Priority == p).Select(m => m.Minutes))),
            Of(null, minutes.Select(m => m.Minutes))];
    }

    private static async Task<CsatReport> CsatAsync(IQueryable<Ticket> q, Tier[] tiers, CancellationToken ct)
    {
        var rated = q.Where(x => x.CsatScore != null);
        var counts = await rated.GroupBy(x => new { x.Tier, Score = x.CsatScore!.Value }).Select(g => new { g.Key.Tier, g.Key.Score, N = g.Count() }).ToListAsync(ct);
        CsatSummary Of(Tier? tier)
        {
            var distribution = Enumerable.Range(1, 5).Select(s => counts.Where(c => (tier is null || c.Tier == tier) && c.Score == s).Sum(c => c.N)).ToArray();
            var n = distribution.Sum();
            return n == 0
                ? new CsatSummary(tier, 0, null, distribution, null)
                : new CsatSummary(tier, n, Math.Round(distribution.Select((c, i) => c * (i + 1.0)).Sum() / n, 2), distribution,
                    Math.Round(100.0 * (distribution[3] + distribution[4]) / n, 1));
        }
        var latest = await rated.Where(x => x.CsatComment != null && x.CsatComment != "")
            .OrderByDescending(x => x.CsatAt).ThenByDescending(x => x.Number).Take(LatestComments)
            .Select(x => new CsatCommentRow(x.Id, x.Number, x.Tier, x.CsatScore!.Value, x.CsatComment!, x.CsatAt)).ToListAsync(ct);
        return new CsatReport(Of(null), [.. tiers.Select(t => (Tier?)t).Select(Of)], latest);
    }
}
