using Microsoft.EntityFrameworkCore;
using Pharos.Analytics.Sources;
using Pharos.Analytics.Store;
using Pharos.Customers.Accounts;
using Pharos.Platform.Data;

namespace Pharos.Seeding.Demo;

/// <summary>The demo's event source; its write key is printed with the demo logins so a newcomer can send events at once.</summary>
internal static class DemoAnalytics
{
    public const string SourceName = "demo";

    public static EventSource AddSource(PharosDb db, DateTimeOffset now)
    {
        var source = new EventSource { Name = SourceName, WriteKey = EventSource.NewWriteKey(), CreatedAt = now, CreatedBy = "system" };
        db.Add(source);
        return source;
    }

    /// <summary>
    /// 90 days of product and website events for the demo book's accounts, through the same store ingestion uses.
    /// Progress goes to the console: at the default scale this is about 2 million events and takes a while.
    /// </summary>
    public static async Task<long> SeedEventsAsync(PharosDb db, IEventStore store, EventSource source, double scale, DateTimeOffset now, CancellationToken ct)
    {
        if (scale <= 0) return 0;
        var accounts = await db.Set<Account>().AsNoTracking().Where(a => a.ExternalId != null && a.Stage != Customers.Public.LifecycleStage.Prospect && a.Stage != Customers.Public.LifecycleStage.Churned)
            .OrderBy(a => a.ExternalId).Select(a => new DemoEventAccount(a.ExternalId!, a.Name, a.Tier, a.Employees)).ToListAsync(ct);
        var plan = new DemoEventPlan { SourceId = source.Id, Now = now, Accounts = accounts, UserScale = scale };
        var total = DemoEvents.Count(plan);
        await store.InitializeAsync(ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var shown = TimeSpan.Zero;
        Console.WriteLine($"Seeding {total:N0} demo events (product and website, 90 days)…");
        return await DemoEvents.AppendAsync(store, DemoEvents.Generate(plan), 20_000, long.MaxValue, (done, _) =>
        {
            if (clock.Elapsed - shown >= TimeSpan.FromSeconds(5) || done == total)
            {
                shown = clock.Elapsed;
                Console.WriteLine($"  demo events: {done:N0} of {total:N0} ({100.0 * done / Math.Max(1, total):F0}%), {clock.Elapsed.TotalSeconds:F0} s");
            }
            return Task.CompletedTask;
        }, ct);
    }

    public static Task<string?> WriteKeyAsync(PharosDb db, CancellationToken ct) =>
        db.Set<EventSource>().Where(s => s.Name == SourceName && s.RevokedAt == null).Select(s => s.WriteKey).FirstOrDefaultAsync(ct);
}
