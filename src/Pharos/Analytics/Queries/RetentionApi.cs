using Pharos.Analytics.Funnels;
using Pharos.Analytics.Retention;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

public sealed record RetentionRequest
{
    /// <summary>The cohorts: people (or accounts) whose start event falls in this range.</summary>
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required EventInput StartEvent { get; init; }
    public required EventInput ReturnEvent { get; init; }
    public TimeInterval Period { get; init; } = TimeInterval.Week;
    public int Periods { get; init; } = 8;
    public RetentionMode Mode { get; init; } = RetentionMode.FirstTime;
    public RetentionCriterion Criterion { get; init; } = RetentionCriterion.On;
    public CountBy CountBy { get; init; } = CountBy.Person;
    public QueryFilters? Filters { get; init; }
}

public static class RetentionApi
{
    internal static (EventScan Scan, RetentionDefinition Definition) Compile(RetentionRequest r, DateTimeOffset now)
    {
        QueryRunner.CheckRange(r.From, r.To);
        if (r.Periods is < 1 or > 52) throw RuleViolation.BadField("periods", "Show 1 to 52 periods.");
        var set = new MatcherSet();
        var start = set.Add(r.StartEvent, "startEvent");
        var back = set.Add(r.ReturnEvent, "returnEvent");
        var length = r.Period switch { TimeInterval.Day => TimeSpan.FromDays(1), TimeInterval.Week => TimeSpan.FromDays(7), _ => TimeSpan.FromDays(31) };
        // Returns are read up to the last period of the last cohort, or now.
        var until = new[] { r.To + length * (r.Periods + 1), now }.Min();
        var definition = new RetentionDefinition
        {
            StartMatcher = start, ReturnMatcher = back, From = r.From, To = r.To, Period = r.Period, Periods = r.Periods,
            Mode = r.Mode, Criterion = r.Criterion, CountBy = r.CountBy, ObservedUntil = now,
        };
        var errors = definition.Validate(new(definition)).ToList();
        if (errors.Count > 0) throw RuleViolation.BadField("period", errors[0].ErrorMessage ?? "Invalid.");
        // First-time retention means first ever: someone who signed up before the range is no new user in it, so the
        // start events are read from the beginning (the engine keeps only cohorts inside the range). Recurring
        // cohorts are every period with a start event, so the range itself is enough.
        var scanFrom = r.Mode == RetentionMode.FirstTime ? DateTimeOffset.UnixEpoch : r.From;
        return (set.Scan(scanFrom, until > r.To ? until : r.To, r.Filters, withAccount: r.CountBy == CountBy.Account, withLabel: false), definition);
    }

    public static RouteGroupBuilder MapRetention(this RouteGroupBuilder api)
    {
        api.MapPost("/analytics/retention", async (RetentionRequest request, IEventStore store, QueryRunner runner, TimeProvider time, CancellationToken ct) =>
            {
                var (scan, definition) = Compile(request, time.GetUtcNow());
                return TypedResults.Ok(await runner.RunAsync(t => RetentionEngine.RunAsync(definition, store.ScanAsync(scan, t), t), ct));
            })
            .RequireAuthorization(Permissions.AnalyticsRead).WithTags("Analytics")
            .WithSummary("Cohorts by first (or every) start event per day/week/month, and the share returning in each later period.");
        return api;
    }
}
