using Pharos.Analytics.Funnels;
using Pharos.Analytics.Paths;
using Pharos.Analytics.Retention;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using Pharos.Analytics.Website;

namespace Pharos.Analytics.Queries;

/// <summary>
/// The pages' way to run an analysis: the same Compile → QueryRunner → engine path as the HTTP endpoints, so a builder,
/// a dashboard card and the API give one answer for one request.
/// </summary>
internal static class Analyses
{
    public static Task<TrendResult> TrendAsync(IServiceProvider sp, TrendRequest r, CancellationToken ct)
    {
        var (scan, definition) = TrendsApi.Compile(r);
        return Run(sp, scan, (rows, t) => TrendEngine.RunAsync(definition, rows, t), ct);
    }

    public static Task<FunnelResult> FunnelAsync(IServiceProvider sp, FunnelRequest r, CancellationToken ct)
    {
        var (scan, definition) = FunnelsApi.Compile(r);
        return Run(sp, scan, (rows, t) => FunnelEngine.RunAsync(definition, rows, t), ct);
    }

    public static Task<FunnelUnits> FunnelUnitsAsync(IServiceProvider sp, FunnelUnitsRequest r, CancellationToken ct)
    {
        var (scan, definition) = FunnelsApi.Compile(r.Funnel);
        var query = new FunnelUnitsQuery(r.Step, r.Dropped, r.Breakdown, Math.Clamp(r.Limit ?? 100, 1, 1000));
        return Run(sp, scan, (rows, t) => FunnelEngine.ListUnitsAsync(definition, query, rows, t), ct);
    }

    public static Task<RetentionResult> RetentionAsync(IServiceProvider sp, RetentionRequest r, CancellationToken ct)
    {
        var (scan, definition) = RetentionApi.Compile(r, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        return Run(sp, scan, (rows, t) => RetentionEngine.RunAsync(definition, rows, t), ct);
    }

    public static Task<PathResult> PathAsync(IServiceProvider sp, PathsRequest r, CancellationToken ct)
    {
        var (scan, definition) = PathsApi.Compile(r);
        return Run(sp, scan, (rows, t) => PathEngine.RunAsync(definition, rows, t), ct);
    }

    public static Task<WebsiteFunnelResult> WebsiteAsync(IServiceProvider sp, WebsiteFunnelQuery q, CancellationToken ct)
    {
        QueryRunner.CheckRange(q.From, q.To);
        var query = q with { Top = Math.Clamp(q.Top, 1, 100) };
        var store = sp.GetRequiredService<IEventStore>();
        return sp.GetRequiredService<QueryRunner>().RunAsync(t => WebsiteFunnel.RunAsync(store, query, t), ct);
    }

    private static Task<T> Run<T>(IServiceProvider sp, EventScan scan, Func<IAsyncEnumerable<ScanRow>, CancellationToken, Task<T>> engine, CancellationToken ct)
    {
        var store = sp.GetRequiredService<IEventStore>();
        return sp.GetRequiredService<QueryRunner>().RunAsync(t => engine(store.ScanAsync(scan, t), t), ct);
    }
}
