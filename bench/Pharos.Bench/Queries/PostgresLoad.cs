using Pharos.Analytics.Store;
using Pharos.Customers.Public;
using Pharos.Seeding.Demo;

namespace Pharos.Bench.Queries;

/// <summary>Fills an empty PostgreSQL event store with about N generated events (the demo generator, 200 synthetic accounts, 90 days).</summary>
internal static class PostgresLoad
{
    public static async Task LoadAsync(IEventStore store, long count)
    {
        var tiers = new[] { Tier.S, Tier.A, Tier.A, Tier.B, Tier.B, Tier.B, Tier.C, Tier.C, Tier.C, Tier.C };
        var accounts = Enumerable.Range(1, 200).Select(i => new DemoEventAccount($"acc-{i:D6}", $"客户 {i}", tiers[i % tiers.Length], 0)).ToList();
        var plan = new DemoEventPlan { SourceId = Guid.CreateVersion7(), Now = DateTimeOffset.UtcNow, Accounts = accounts };
        plan = plan with { UserScale = Math.Max(0.01, count / (double)DemoEvents.Count(plan)) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var written = await DemoEvents.AppendAsync(store, DemoEvents.Generate(plan), 20_000, count, (n, _) =>
        {
            if (n % 500_000 < 20_000) Console.WriteLine($"  loaded {n:N0} events, {n / clock.Elapsed.TotalSeconds:N0}/s");
            return Task.CompletedTask;
        }, CancellationToken.None);
        Console.WriteLine($"Loaded {written:N0} events into PostgreSQL in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
