using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;

namespace Pharos.Bench.Ingestion;

/// <summary>
/// The event store's write path alone, without HTTP: how fast <see cref="IEventStore.AppendAsync"/> commits batches of
/// the given size. Splits the end-to-end figure of <see cref="IngestLoad"/> into store and request costs.
/// Run: <c>dotnet run -c Release --project bench/Pharos.Bench -- append [--events 1000000] [--batch 5000] [--dedup-days 8]</c>
/// (<c>--dedup-days 0</c> measures the write without the in-memory dedup window).
/// </summary>
internal static class StoreAppend
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = int.Parse(Option(args, "--events") ?? "1000000");
        var batch = int.Parse(Option(args, "--batch") ?? "5000");
        var dedupDays = int.Parse(Option(args, "--dedup-days") ?? "8");
        var dir = Directory.CreateTempSubdirectory("pharos-append-").FullName;
        await using var store = new DuckDbEventStore(Path.Combine(dir, "events.duckdb"), dedupDays, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var source = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        const string props = """{"format":"xlsx","module":"reports","rows":130,"plan":"enterprise","page":"/reports/monthly-sales"}""";
        const string context = """{"library":{"name":"analytics-node","version":"3.1.0"},"ip":"10.0.0.1","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"}""";
        var all = Enumerable.Range(0, events).Select(i => new TrackedEvent
        {
            MessageId = $"m-{i}", SourceId = source, Type = "track", Event = "Report Exported", UserId = $"u-{i % 50_000}",
            Timestamp = now.AddMilliseconds(i), ReceivedAt = now, SentAt = now, OriginalTimestamp = now, Properties = props, Context = context,
        }).ToList();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i += batch)
            await store.AppendAsync(all.GetRange(i, Math.Min(batch, events - i)), CancellationToken.None);
        var rate = events / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"DuckDB AppendAsync: {events:N0} events in batches of {batch:N0}, dedup window {dedupDays} days: {rate:N0} events/s");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
