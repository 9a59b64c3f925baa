using Pharos.Analytics.Paths;
using Pharos.Analytics.Store;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

public sealed record PathsRequest
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    /// <summary>A track event's name or a page path; empty: paths from the start of each session.</summary>
    public string? Pivot { get; init; }
    public PathDirection Direction { get; init; } = PathDirection.After;
    public int Steps { get; init; } = 5;
    /// <summary>Which events make paths: track events, page views, or both.</summary>
    public bool IncludePages { get; init; } = true;
    public bool IncludeTracks { get; init; } = true;
    public int EdgesPerStep { get; init; } = 10;
    public QueryFilters? Filters { get; init; }
}

public static class PathsApi
{
    internal static (EventScan Scan, PathDefinition Definition) Compile(PathsRequest r)
    {
        QueryRunner.CheckRange(r.From, r.To);
        if (r.Steps is < 1 or > PathDefinition.MaxSteps) throw RuleViolation.BadField("steps", "Paths have 1 to 5 steps.");
        if (!r.IncludePages && !r.IncludeTracks) throw RuleViolation.BadField("includePages", "Include page views, track events or both.");
        if (r.Pivot is { Length: > 500 }) throw RuleViolation.BadField("pivot", "The starting point has at most 500 characters.");
        var set = new MatcherSet();
        if (r.IncludeTracks) set.Add(new EventInput(EventMatcher.AnyTrack), "includeTracks");
        if (r.IncludePages) set.Add(new EventInput(EventMatcher.PageView), "includePages");
        var definition = new PathDefinition
        {
            Pivot = string.IsNullOrWhiteSpace(r.Pivot) ? null : r.Pivot.Trim(), Direction = r.Direction, Steps = r.Steps,
            EdgesPerStep = Math.Clamp(r.EdgesPerStep, 1, 50),
        };
        return (set.Scan(r.From, r.To, r.Filters, withAccount: false), definition);
    }

    public static RouteGroupBuilder MapPaths(this RouteGroupBuilder api)
    {
        api.MapPost("/analytics/paths", async (PathsRequest request, IEventStore store, QueryRunner runner, CancellationToken ct) =>
            {
                var (scan, definition) = Compile(request);
                return TypedResults.Ok(await runner.RunAsync(t => PathEngine.RunAsync(definition, store.ScanAsync(scan, t), t), ct));
            })
            .RequireAuthorization(Permissions.AnalyticsRead).WithTags("Analytics")
            .WithSummary("The most common next (or previous) events and pages after (before) a chosen one, up to 5 steps, as edges for a flow chart.");
        return api;
    }
}
