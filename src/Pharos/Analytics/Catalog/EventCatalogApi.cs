using Pharos.Analytics.Store;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Catalog;

public sealed record EventName(string Name, long Count);

/// <summary>What has been tracked: the names and property keys that the query builders offer.</summary>
public static class EventCatalogApi
{
    public static RouteGroupBuilder MapEventCatalog(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/analytics").WithTags("Analytics").RequireAuthorization(Permissions.AnalyticsRead);
        g.MapGet("/events", async (int? days, IEventStore store, TimeProvider time, CancellationToken ct) =>
            {
                var d = Days(days);
                var names = await store.EventNamesAsync(time.GetUtcNow().AddDays(-d), 500, ct);
                return TypedResults.Ok(names.Select(n => new EventName(n.Name, n.Count)).ToList());
            })
            .WithSummary("Track event names seen in the last days (default 90), most frequent first.");
        g.MapGet("/properties", async (string? @event, int? days, IEventStore store, TimeProvider time, CancellationToken ct) =>
                TypedResults.Ok(await store.PropertyNamesAsync(string.IsNullOrWhiteSpace(@event) ? null : @event, time.GetUtcNow().AddDays(-Days(days)), 200, ct)))
            .WithSummary("Property names seen on an event (or on any event), most frequent first.");
        return api;
    }

    private static int Days(int? days) => days switch
    {
        null => 90,
        >= 1 and <= 3650 => days.Value,
        _ => throw RuleViolation.BadField("days", "Look back 1 to 3650 days."),
    };
}
