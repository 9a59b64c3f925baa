using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pharos.Analytics.Queries;
using Pharos.Analytics.Website;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Insights;

public sealed record InsightInput(string? Name, InsightKind Kind, JsonElement Definition, string? Team);
public sealed record InsightRow(Guid Id, string Name, InsightKind Kind, JsonElement Definition, string? Team, int Position, string CreatedByName, DateTimeOffset UpdatedAt);

/// <summary>Saved insights and the team dashboards they are pinned to.</summary>
public static class InsightsApi
{
    private static readonly JsonSerializerOptions Json = FunnelsApi.Json;

    /// <summary>Parses and checks a definition as the query it will become, so a saved insight always runs.</summary>
    internal static void Check(InsightKind kind, JsonElement definition, DateTimeOffset now)
    {
        try
        {
            switch (kind)
            {
                case InsightKind.Trend: TrendsApi.Compile(definition.Deserialize<TrendRequest>(Json)!); break;
                case InsightKind.Funnel: FunnelsApi.Compile(definition.Deserialize<FunnelRequest>(Json)!); break;
                case InsightKind.Retention: RetentionApi.Compile(definition.Deserialize<RetentionRequest>(Json)!, now); break;
                case InsightKind.Path: PathsApi.Compile(definition.Deserialize<PathsRequest>(Json)!); break;
                case InsightKind.Website:
                    var website = definition.Deserialize<WebsiteFunnelQuery>(Json)!;
                    QueryRunner.CheckRange(website.From, website.To);
                    break;
                default: throw RuleViolation.BadField("kind", "Unknown kind of insight.");
            }
        }
        catch (JsonException e) { throw RuleViolation.BadField("definition", "The query is not valid for this kind of insight: " + e.Message); }
        catch (NullReferenceException) { throw RuleViolation.BadField("definition", "The query is empty."); }
    }

    public static async Task<List<InsightRow>> ListAsync(PharosDb db, string? team, CancellationToken ct)
    {
        var q = db.Set<Insight>().AsNoTracking();
        if (!string.IsNullOrEmpty(team)) q = q.Where(i => i.Team == team);
        var list = await q.OrderBy(i => i.Team).ThenBy(i => i.Position).ThenBy(i => i.Name).Take(500).ToListAsync(ct);
        return [.. list.Select(Row)];
    }

    private static InsightRow Row(Insight i) =>
        new(i.Id, i.Name, i.Kind, JsonDocument.Parse(i.Definition).RootElement.Clone(), i.Team, i.Position, i.CreatedByName, i.UpdatedAt);

    internal static async Task<InsightRow> SaveAsync(PharosDb db, Guid? id, InsightInput input, Actor actor, bool admin, DateTimeOffset now, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > Insight.NameMax) throw RuleViolation.BadField("name", "Name the insight (at most 120 characters).");
        if (input.Team is { } team && !Roles.Staff.Contains(team)) throw RuleViolation.BadField("team", "Choose a team of the staff roles.");
        if (input.Definition.ValueKind != JsonValueKind.Object) throw RuleViolation.BadField("definition", "The query is empty.");
        var definition = input.Definition.GetRawText();
        if (definition.Length > Insight.DefinitionMax) throw RuleViolation.BadField("definition", "The query is too long.");
        Check(input.Kind, input.Definition, now);
        Insight insight;
        if (id is { } existing)
        {
            insight = await db.Set<Insight>().FirstOrDefaultAsync(i => i.Id == existing, ct) ?? throw new NotFound("Insight");
            if (insight.CreatedById != actor.UserId && !admin) throw new RuleViolation("Only its author or an administrator changes an insight.");
            if (insight.Kind != input.Kind) throw RuleViolation.BadField("kind", "An insight keeps its kind; save a new one instead.");
            insight.Name = name;
            insight.Definition = definition;
            insight.UpdatedAt = now;
            db.Audit(actor, now, "Insight", insight.Id, "Updated", new { name, team = input.Team });
        }
        else
        {
            insight = new Insight { Name = name, Kind = input.Kind, Definition = definition, CreatedById = actor.UserId, CreatedByName = actor.Name, CreatedAt = now, UpdatedAt = now };
            db.Add(insight);
            db.Audit(actor, now, "Insight", insight.Id, "Created", new { name, kind = input.Kind.ToString(), team = input.Team });
        }
        if (insight.Team != input.Team)
        {
            insight.Team = input.Team;
            insight.Position = input.Team is null ? 0 : await db.Set<Insight>().Where(i => i.Team == input.Team).Select(i => (int?)i.Position).MaxAsync(ct) + 1 ?? 0;
        }
        await db.SaveChangesAsync(ct);
        return Row(insight);
    }

    internal static async Task DeleteAsync(PharosDb db, Guid id, Actor actor, bool admin, DateTimeOffset now, CancellationToken ct)
    {
        var insight = await db.Set<Insight>().FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFound("Insight");
        if (insight.CreatedById != actor.UserId && !admin) throw new RuleViolation("Only its author or an administrator deletes an insight.");
        db.Remove(insight);
        db.Audit(actor, now, "Insight", id, "Deleted", new { insight.Name });
        await db.SaveChangesAsync(ct);
    }

    public static RouteGroupBuilder MapInsights(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/analytics/insights").WithTags("Analytics").RequireAuthorization(Permissions.AnalyticsRead);
        g.MapGet("/", async (string? team, PharosDb db, CancellationToken ct) => TypedResults.Ok(await ListAsync(db, team, ct)))
            .WithSummary("Saved insights; ?team=Operations gives that team's dashboard in order.");
        g.MapPost("/", async (InsightInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                var row = await SaveAsync(db, null, input, await user.NamedActorAsync(), (await user.PrincipalAsync()).IsInRole(Roles.Admin), time.GetUtcNow(), ct);
                return TypedResults.Created($"/api/analytics/insights/{row.Id}", row);
            });
        g.MapPut("/{id:guid}", async (Guid id, InsightInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok(await SaveAsync(db, id, input, await user.NamedActorAsync(), (await user.PrincipalAsync()).IsInRole(Roles.Admin), time.GetUtcNow(), ct)));
        g.MapDelete("/{id:guid}", async (Guid id, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                await DeleteAsync(db, id, await user.NamedActorAsync(), (await user.PrincipalAsync()).IsInRole(Roles.Admin), time.GetUtcNow(), ct);
                return TypedResults.NoContent();
            });
        return api;
    }
}
