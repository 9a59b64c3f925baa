using System.Diagnostics;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Funnels;
using Pharos.Analytics.Queries;
using Pharos.Analytics.Retention;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;

namespace Pharos.Bench.Queries;

/// <summary>
/// Query speed on a generated event file (<c>pharos events generate --count N --out file.duckdb</c>), each figure the
/// median of several runs, against a baseline measured in the same run: <c>SELECT count(DISTINCT user_id)</c> over
/// the same table. The funnel and retention go the whole way a request goes: the store's scan (SQL, identity and
/// account resolution) and the engine in C#.
/// Run: <c>dotnet run -c Release --project bench/Pharos.Bench -- queries --file /tmp/bench10m.duckdb [--runs 5]</c>
/// </summary>
internal static class QueryTimings
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = Option(args, "--file") ?? throw new ArgumentException("--file <events.duckdb> is required (make one with `pharos events generate`).");
        var runs = int.Parse(Option(args, "--runs") ?? "5");
        await using var store = new DuckDbEventStore(file, 8, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var (count, from, to) = await RangeAsync(file);
        Console.WriteLine($"{count:N0} events from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {runs} runs");

        var baseline = await TimeAsync(runs, async () => await ScalarAsync(file, "SELECT count(DISTINCT user_id) FROM events"));
        var funnelRequest = new FunnelRequest
        {
            From = to.AddDays(-30), To = to.AddDays(1), Window = 14, WindowUnit = WindowUnit.Day,
            Steps = [new("Signed In"), new("Report Created"), new("Report Exported")],
        };
        var (funnelScan, funnelDefinition) = FunnelsApi.Compile(funnelRequest with { From = from, To = to.AddDays(1) });
        FunnelResult? funnel = null;
        var funnelTime = await TimeAsync(runs, async () => funnel = await FunnelEngine.RunAsync(funnelDefinition, store.ScanAsync(funnelScan, CancellationToken.None), CancellationToken.None));
        var scanOnly = await TimeAsync(runs, async () => { long n = 0; await foreach (var _ in store.ScanAsync(funnelScan, CancellationToken.None)) n++; return n; });

        var cohortsFrom = to.AddDays(-7 * 8);
        var (retentionScan, retentionDefinition) = RetentionApi.Compile(new RetentionRequest
        {
            From = cohortsFrom, To = to, StartEvent = new("Signed In"), ReturnEvent = new("Report Created"), Period = TimeInterval.Week, Periods = 8,
        }, to.AddDays(1));
        var retentionTime = await TimeAsync(runs, async () => await RetentionEngine.RunAsync(retentionDefinition, store.ScanAsync(retentionScan, CancellationToken.None), CancellationToken.None));

        Console.WriteLine();
        Console.WriteLine("| query | median | ratio to baseline |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| baseline: count(DISTINCT user_id) | {baseline:N0} ms | 1.0× |");
        Console.WriteLine($"| funnel, 3 steps, 14-day window, by user, all {count:N0} events | {funnelTime:N0} ms | {funnelTime / baseline:F1}× |");
        Console.WriteLine($"|   of which the scan alone (SQL + reading rows) | {scanOnly:N0} ms | {scanOnly / baseline:F1}× |");
        Console.WriteLine($"| retention, 8 weekly cohorts | {retentionTime:N0} ms | {retentionTime / baseline:F1}× |");
        Console.WriteLine($"Funnel: {string.Join(" → ", funnel!.Total.Steps.Select(s => s.Count.ToString("N0")))} users");
        return 0;
    }

    private static async Task<double> TimeAsync<T>(int runs, Func<Task<T>> work)
    {
        await work(); // warm: JIT, DuckDB's buffer pool
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await work();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<(long, DateTimeOffset, DateTimeOffset)> RangeAsync(string file)
    {
        await using var c = new DuckDBConnection($"Data Source={file}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*), min(ts), max(ts) FROM events";
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2));
    }

    private static async Task<long> ScalarAsync(string file, string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={file}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
