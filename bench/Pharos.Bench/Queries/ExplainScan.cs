using DuckDB.NET.Data;
using Pharos.Analytics.Queries;
using Pharos.Analytics.Store;

namespace Pharos.Bench.Queries;

/// <summary>Prints DuckDB's EXPLAIN ANALYZE of the funnel's scan: where the time of <see cref="QueryTimings"/> goes.</summary>
internal static class ExplainScan
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = args[Array.IndexOf(args, "--file") + 1];
        var (scan, _) = FunnelsApi.Compile(new FunnelRequest
        {
            From = DateTimeOffset.UtcNow.AddDays(-100), To = DateTimeOffset.UtcNow.AddDays(1),
            Steps = [new("Signed In"), new("Report Created"), new("Report Exported")],
        });
        var (sql, ps) = ScanSql.Build(DuckDbEventStore.Dialect.Instance, scan);
        await using var c = new DuckDBConnection($"Data Source={file}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN ANALYZE " + sql;
        foreach (var (k, v) in ps) cmd.Parameters.Add(new DuckDBParameter(k, v ?? DBNull.Value));
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) Console.WriteLine(r.GetValue(1));
        return 0;
    }
}
