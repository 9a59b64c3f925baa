using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Microsoft.EntityFrameworkCore;

namespace Pharos.Analytics.Usage;

public static class UsageApi
{
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/analytics").WithTags("Analytics").RequireAuthorization(Permissions.AnalyticsRead);
        g.MapGet("/accounts/{id:guid}/usage", async (Guid id, PharosDb db, AccountUsage usage, CancellationToken ct) =>
            {
                var account = await CustomerDirectory.Accounts(db).Where(a => a.Id == id).Select(a => new { a.ExternalId }).FirstOrDefaultAsync(ct);
                return account is null ? ProblemResults.NotFound("account") : (IResult)TypedResults.Ok(await usage.ReportAsync(id, account.ExternalId, ct));
            })
            .WithSummary("An account's product usage: features used, weekly active users (12 weeks), last seen, and the decline signal if it fires.");
        g.MapGet("/at-risk", async (double? drop, int? baselineWeeks, int? recentWeeks, string? keyEvents, UsageDecline decline, CancellationToken ct) =>
            {
                var d = new UsageDeclineSettings();
                var settings = d with
                {
                    Drop = drop ?? d.Drop, BaselineWeeks = baselineWeeks ?? d.BaselineWeeks, RecentWeeks = recentWeeks ?? d.RecentWeeks,
                    KeyEvents = string.IsNullOrWhiteSpace(keyEvents) ? [] : [.. keyEvents.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                };
                return TypedResults.Ok(await decline.ReportAsync(settings, ct));
            })
            .WithSummary("Accounts whose weekly active users or key events fell by the given share (default 0.5) against their own baseline, by tier.");
        return api;
    }
}
