using System.Collections.Concurrent;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;

namespace Pharos.Analytics.Usage;

/// <summary>
/// DOMAIN.md §6: small accounts are watched only through their behaviour, so fading usage must raise a signal.
/// An account is at risk when its weekly active users, or its weekly key events, over the last <see cref="RecentWeeks"/>
/// complete weeks fell by at least <see cref="Drop"/> against the <see cref="BaselineWeeks"/> weeks before them.
/// </summary>
public sealed record UsageDeclineSettings
{
    public double Drop { get; init; } = 0.5;
    public int BaselineWeeks { get; init; } = 8;
    public int RecentWeeks { get; init; } = 2;
    /// <summary>The events that show value (e.g. "Report Exported"); empty means every track event.</summary>
    public IReadOnlyList<string> KeyEvents { get; init; } = [];
    /// <summary>Accounts with fewer weekly active users than this in their baseline are too small to judge.</summary>
    public double MinBaselineUsers { get; init; } = 2;

    public void Validate()
    {
        if (Drop is <= 0 or >= 1) throw Platform.Problems.RuleViolation.BadField("drop", "The drop is a share between 0 and 1, e.g. 0.5 for 50%.");
        if (BaselineWeeks is < 1 or > 26) throw Platform.Problems.RuleViolation.BadField("baselineWeeks", "The baseline is 1 to 26 weeks.");
        if (RecentWeeks is < 1 or > 8) throw Platform.Problems.RuleViolation.BadField("recentWeeks", "The recent period is 1 to 8 weeks.");
        if (KeyEvents.Count > 20) throw Platform.Problems.RuleViolation.BadField("keyEvents", "At most 20 key events.");
    }
}

public enum UsageMetric { WeeklyActiveUsers, KeyEvents }

public sealed record DeclineReason(UsageMetric Metric, double Baseline, double Recent)
{
    public double Change => Baseline == 0 ? 0 : (Recent - Baseline) / Baseline;
}

public sealed record AtRiskAccount(Guid AccountId, string Name, string Tier, string ExternalId, IReadOnlyList<DeclineReason> Reasons,
    double BaselineUsers, double RecentUsers, DateTimeOffset? LastSeen);

public sealed record AtRiskReport(DateOnly BaselineFrom, DateOnly RecentFrom, DateOnly RecentTo, UsageDeclineSettings Settings,
    int AccountsJudged, IReadOnlyList<AtRiskAccount> Accounts);

/// <summary>Computes the at-risk list from one scan of the period; kept for a few minutes per setting, as the weeks it reads are complete.</summary>
internal sealed class UsageDecline(IEventStore store, AccountDimensions accounts, TimeProvider time)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, AtRiskReport Report)> _cache = new();

    public void Forget() => _cache.Clear();

    public async Task<AtRiskReport> ReportAsync(UsageDeclineSettings settings, CancellationToken ct)
    {
        settings.Validate();
        var key = $"{settings.Drop}|{settings.BaselineWeeks}|{settings.RecentWeeks}|{settings.MinBaselineUsers}|{string.Join('\u001f', settings.KeyEvents)}";
        if (_cache.TryGetValue(key, out var hit) && time.GetUtcNow() - hit.At < KeepFor) return hit.Report;
        var report = await ComputeAsync(settings, ct);
        _cache[key] = (time.GetUtcNow(), report);
        return report;
    }

    private async Task<AtRiskReport> ComputeAsync(UsageDeclineSettings s, CancellationToken ct)
    {
        var dims = await accounts.EnsureSyncedAsync(ct);
        var calendar = new LocalCalendar(LocalCalendar.Zone(LocalCalendar.DefaultTimeZone));
        var thisWeekIndex = calendar.Period(time.GetUtcNow(), TimeInterval.Week);
        var thisWeek = LocalCalendar.PeriodStart(thisWeekIndex, TimeInterval.Week);
        var firstWeek = thisWeekIndex - s.RecentWeeks - s.BaselineWeeks;
        var baselineFrom = LocalCalendar.PeriodStart(firstWeek, TimeInterval.Week);
        var recentFrom = thisWeek.AddDays(-7 * s.RecentWeeks);
        var key = s.KeyEvents.Count == 0 ? new EventMatcher(EventMatcher.AnyTrack) : null;
        var scan = new EventScan
        {
            From = calendar.StartOf(baselineFrom), To = calendar.StartOf(thisWeek),
            Matchers = [new EventMatcher(EventMatcher.Any), .. key is null ? s.KeyEvents.Select(e => new EventMatcher(e)) : [key]],
            WithLabel = false,
        };
        var weeks = s.BaselineWeeks + s.RecentWeeks;
        var byAccount = new Dictionary<string, Activity>(StringComparer.Ordinal);
        await foreach (var row in store.ScanAsync(scan, ct))
        {
            if (row.Account is null || !dims.ContainsKey(row.Account)) continue;
            if (!byAccount.TryGetValue(row.Account, out var a)) byAccount[row.Account] = a = new Activity(weeks);
            var week = calendar.Period(row.TimestampMicros, TimeInterval.Week) - firstWeek;
            if (week < 0 || week >= weeks) continue;
            a.Users[week].Add(row.Person);
            if ((row.Mask & ~1) != 0) a.KeyEvents[week]++;
            if (a.LastSeen < row.TimestampMicros) a.LastSeen = row.TimestampMicros;
        }
        var list = new List<AtRiskAccount>();
        var judged = 0;
        foreach (var (ext, a) in byAccount)
        {
            double Mean(Func<int, double> f, int from, int count) => Enumerable.Range(from, count).Average(f);
            var baseUsers = Mean(w => a.Users[w].Count, 0, s.BaselineWeeks);
            if (baseUsers < s.MinBaselineUsers) continue;
            judged++;
            var recentUsers = Mean(w => a.Users[w].Count, s.BaselineWeeks, s.RecentWeeks);
            var baseKey = Mean(w => a.KeyEvents[w], 0, s.BaselineWeeks);
            var recentKey = Mean(w => a.KeyEvents[w], s.BaselineWeeks, s.RecentWeeks);
            var reasons = new List<DeclineReason>();
            if (recentUsers <= baseUsers * (1 - s.Drop)) reasons.Add(new(UsageMetric.WeeklyActiveUsers, Math.Round(baseUsers, 1), Math.Round(recentUsers, 1)));
            if (baseKey > 0 && recentKey <= baseKey * (1 - s.Drop)) reasons.Add(new(UsageMetric.KeyEvents, Math.Round(baseKey, 1), Math.Round(recentKey, 1)));
            if (reasons.Count == 0) continue;
            var d = dims[ext];
            list.Add(new AtRiskAccount(d.AccountId, d.Name, d.Tier, ext, reasons, Math.Round(baseUsers, 1), Math.Round(recentUsers, 1),
                a.LastSeen == long.MinValue ? null : DateTimeOffset.UnixEpoch.AddTicks(a.LastSeen * 10)));
        }
        // Judging needs a baseline: accounts with none in the scanned period but known to the book are not listed (no data is not a decline).
        var ordered = list.OrderBy(a => a.Tier, StringComparer.Ordinal).ThenBy(a => a.Reasons.Min(r => r.Change)).ThenBy(a => a.Name, StringComparer.Ordinal).ToList();
        return new AtRiskReport(baselineFrom, recentFrom, thisWeek.AddDays(-1), s, judged, ordered);
    }

    private sealed class Activity(int weeks)
    {
        public readonly HashSet<string>[] Users = [.. Enumerable.Range(0, weeks).Select(_ => new HashSet<string>(StringComparer.Ordinal))];
        public readonly long[] KeyEvents = new long[weeks];
        public long LastSeen = long.MinValue;
    }
}
