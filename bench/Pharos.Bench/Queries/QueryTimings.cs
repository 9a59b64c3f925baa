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
/// Run: <c>dotnet run -c Release --project bench/Pharos.Bench -- queries --file /tmp/bench10m.duckdb [--runs 5] [--memory-limit 512MB]</c>
/// (the store's default memory limit, as the app runs it; <c>--memory-limit ""</c> lifts it).
/// </summary>
internal static class QueryTimings
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pg = Option(args, "--pg");
        var file = Option(args, "--file");
        if (pg is null && file is null) throw new ArgumentException("--file <events.duckdb> (make one with `pharos events generate`) or --pg \"<connection string>\" [--load N] is required.");
        var runs = int.Parse(Option(args, "--runs") ?? "5");
        await using IEventStore store = pg is null
            ? new DuckDbEventStore(file!, 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance, Option(args, "--memory-limit") ?? "512MB")
            : new PostgresEventStore(pg, 8, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        if (pg is not null && Option(args, "--load") is { } load && await store.CountAsync(CancellationToken.None) == 0)
            await PostgresLoad.LoadAsync(store, long.Parse(load));
        var sql = pg is null ? new DuckSql(file!) : (Sql)new PgSql(pg);
        var (count, from, to) = await sql.RangeAsync();
        Console.WriteLine($"{store.Engine}: {count:N0} events from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {runs} runs");

        var baseline = await TimeAsync(runs, async () => await sql.ScalarAsync("SELECT count(DISTINCT user_id) FROM " + sql.Table));
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
        Console.WriteLine($"| query ({store.Engine}) | median | ratio to baseline |");
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

    private abstract class Sql
    {
        public abstract string Table { get; }
        public abstract Task<long> ScalarAsync(string sql);
        public abstract Task<(long, DateTimeOffset, DateTimeOffset)> RangeAsync();
    }

    private sealed class DuckSql(string file) : Sql
    {
        public override string Table => "events";

        public override async Task<long> ScalarAsync(string sql)
        {
            await using var c = new DuckDBConnection($"Data Source={file}");
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }

        public override async Task<(long, DateTimeOffset, DateTimeOffset)> RangeAsync()
        {
            await using var c = new DuckDBConnection($"Data Source={file}");
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*), min(ts), max(ts) FROM events";
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return (r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2));
        }
    }

    private sealed class PgSql(string cs) : Sql
    {
        public override string Table => "analytics.events";

        public override async Task<long> ScalarAsync(string sql)
        {
            await using var c = new Npgsql.NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(sql, c) { CommandTimeout = 600 };
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }

        public override async Task<(long, DateTimeOffset, DateTimeOffset)> RangeAsync()
        {
            await using var c = new Npgsql.NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*), min(ts), max(ts) FROM analytics.events", c);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return (r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2));
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
