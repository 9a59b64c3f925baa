using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

public sealed record TrendRequest
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required IReadOnlyList<EventInput> Series { get; init; }
    public TimeInterval Interval { get; init; } = TimeInterval.Day;
    public TrendMeasure Measure { get; init; } = TrendMeasure.Events;
    public Breakdown? Breakdown { get; init; }
    public QueryFilters? Filters { get; init; }
}

public static class TrendsApi
{
    internal static (EventScan Scan, TrendDefinition Definition) Compile(TrendRequest r)
    {
        QueryRunner.CheckRange(r.From, r.To);
        if (r.Series is null || r.Series.Count is < 1 or > TrendDefinition.MaxSeries) throw RuleViolation.BadField("series", "A trend has 1 to 5 series.");
        var set = new MatcherSet();
        var series = r.Series.Select((s, i) => set.Add(s, $"series[{i}]")).ToList();
        var definition = new TrendDefinition
        {
            From = r.From, To = r.To, Series = series, Interval = r.Interval, Measure = r.Measure,
            Breakdown = r.Breakdown is { Property: not null } or { AccountField: not null },
        };
        var errors = definition.Validate(new(definition)).ToList();
        if (errors.Count > 0) throw RuleViolation.BadField("interval", errors[0].ErrorMessage ?? "Invalid.");
        return (set.Scan(r.From, r.To, r.Filters, r.Breakdown, ordered: false, withAccount: r.Measure == TrendMeasure.UniqueAccounts, withLabel: false), definition);
    }

    public static RouteGroupBuilder MapTrends(this RouteGroupBuilder api)
    {
        api.MapPost("/analytics/trends", async (TrendRequest request, IEventStore store, QueryRunner runner, CancellationToken ct) =>
            {
                var (scan, definition) = Compile(request);
                return TypedResults.Ok(await runner.RunAsync(t => TrendEngine.RunAsync(definition, store.ScanAsync(scan, t), t), ct));
            })
            .RequireAuthorization(Permissions.AnalyticsRead).WithTags("Analytics")
            .WithSummary("Counts of events per day, week or month: total, unique people or unique accounts, with an optional breakdown by a property or an account field.");
        return api;
    }
}
