using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;

namespace Pharos.Analytics.Insights;

/// <summary>What the pages show of a saved insight; unlike the API's row it carries the author's id, which decides who may change it.</summary>
public sealed record InsightHead(Guid Id, string Name, InsightKind Kind, string? Team, int Position, Guid? CreatedById, string CreatedByName, DateTimeOffset UpdatedAt);

internal static class InsightHeads
{
    /// <summary>Heads of the insights that match; filter here, as EF cannot filter on a record built by its constructor.</summary>
    public static IQueryable<InsightHead> Query(PharosDb db, System.Linq.Expressions.Expression<Func<Insight, bool>>? where = null) =>
        db.Set<Insight>().AsNoTracking().Where(where ?? (_ => true))
            .Select(i => new InsightHead(i.Id, i.Name, i.Kind, i.Team, i.Position, i.CreatedById, i.CreatedByName, i.UpdatedAt));

    public static async Task<(InsightHead Head, JsonElement Definition)?> LoadAsync(PharosDb db, Guid id, CancellationToken ct)
    {
        var i = await db.Set<Insight>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (i is null) return null;
        using var doc = JsonDocument.Parse(i.Definition);
        return (new InsightHead(i.Id, i.Name, i.Kind, i.Team, i.Position, i.CreatedById, i.CreatedByName, i.UpdatedAt), doc.RootElement.Clone());
    }

    /// <summary>The builder page of a kind: where "open" leads.</summary>
    public static string Route(InsightKind kind) => kind switch
    {
        InsightKind.Trend => "/analytics/trends",
        InsightKind.Funnel => "/analytics/funnels",
        InsightKind.Retention => "/analytics/retention",
        InsightKind.Path => "/analytics/paths",
        _ => "/analytics/website",
    };

    public static string Link(InsightHead head) => $"{Route(head.Kind)}?insight={head.Id}";
}
