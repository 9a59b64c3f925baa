using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;

namespace Pharos.Analytics.Usage;

public sealed record WeeklyActivity(DateOnly Week, int Users, long Events);

/// <summary>One tracked feature (a track event) of an account: how much, by how many, how lately, and which way it goes.</summary>
public sealed record FeatureUsage(string Feature, long Events, int Users, DateTimeOffset LastSeen, long Last4Weeks, long Previous4Weeks)
{
    /// <summary>Change of the last four weeks against the four before; null when there was nothing before.</summary>
    public double? Trend => Previous4Weeks == 0 ? null : (double)(Last4Weeks - Previous4Weeks) / Previous4Weeks;
}

public sealed record AccountUsageReport(string? ExternalId, int Weeks, IReadOnlyList<WeeklyActivity> Activity, IReadOnlyList<FeatureUsage> Features,
    DateTimeOffset? LastSeen, int ActiveUsers30Days, AtRiskAccount? Risk);

/// <summary>The account page's usage panel: the features the account uses, weekly active users and whether usage fades.</summary>
internal sealed class AccountUsage(IEventStore store, UsageDecline decline, TimeProvider time)
{
    public const int Weeks = 12;

    public async Task<AccountUsageReport> ReportAsync(Guid accountId, string? externalId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(externalId)) return new AccountUsageReport(null, Weeks, [], [], null, 0, null);
        var calendar = new LocalCalendar(LocalCalendar.Zone(LocalCalendar.DefaultTimeZone));
        var now = time.GetUtcNow();
        var firstWeek = calendar.Period(now, TimeInterval.Week) - (Weeks - 1);
        var first = LocalCalendar.PeriodStart(firstWeek, TimeInterval.Week);
        var users = Enumerable.Range(0, Weeks).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var events = new long[Weeks];
        var features = new Dictionary<string, Feature>(StringComparer.Ordinal);
        var recent = new HashSet<string>(StringComparer.Ordinal);
        var fourWeeksAgo = now.AddDays(-28);
        var eightWeeksAgo = now.AddDays(-56);
        long last = long.MinValue;
        var scan = new EventScan { From = calendar.StartOf(first), To = now.AddMinutes(1), Matchers = [new EventMatcher(EventMatcher.Any), new EventMatcher(EventMatcher.AnyTrack)], Account = externalId };
        await foreach (var row in store.ScanAsync(scan, ct))
        {
            var t = row.Time;
            var w = calendar.Period(row.TimestampMicros, TimeInterval.Week) - firstWeek;
            if (w is >= 0 and < Weeks) { users[w].Add(row.Person); events[w]++; }
            if (t >= now.AddDays(-30)) recent.Add(row.Person);
            if (row.TimestampMicros > last) last = row.TimestampMicros;
            if ((row.Mask & 2) == 0) continue;
            if (!features.TryGetValue(row.Label, out var f)) features[row.Label] = f = new Feature();
            f.Events++;
            f.Users.Add(row.Person);
            if (row.TimestampMicros > f.Last) f.Last = row.TimestampMicros;
            if (t >= fourWeeksAgo) f.Last4++;
            else if (t >= eightWeeksAgo) f.Previous4++;
        }
        var activity = Enumerable.Range(0, Weeks).Select(w => new WeeklyActivity(first.AddDays(7 * w), users[w].Count, events[w])).ToList();
        var list = features.Select(kv => new FeatureUsage(kv.Key, kv.Value.Events, kv.Value.Users.Count, DateTimeOffset.UnixEpoch.AddTicks(kv.Value.Last * 10), kv.Value.Last4, kv.Value.Previous4))
            .OrderByDescending(f => f.Events).ThenBy(f => f.Feature, StringComparer.Ordinal).ToList();
        var risk = (await decline.ReportAsync(new UsageDeclineSettings(), ct)).Accounts.FirstOrDefault(a => a.AccountId == accountId);
        return new AccountUsageReport(externalId, Weeks, activity, list, last == long.MinValue ? null : DateTimeOffset.UnixEpoch.AddTicks(last * 10), recent.Count, risk);
    }

    private sealed class Feature
    {
        public long Events, Last = long.MinValue, Last4, Previous4;
        public readonly HashSet<string> Users = new(StringComparer.Ordinal);
    }
}
