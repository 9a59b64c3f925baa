using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Sources;

public sealed record SourceInput(string? Name);
public sealed record SourceRow(Guid Id, string Name, string WriteKey, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

public static class SourcesApi
{
    private static SourceRow Row(EventSource s) => new(s.Id, s.Name, s.WriteKey, s.CreatedAt, s.CreatedBy, s.RevokedAt, s.RevokedBy);

    public static async Task<List<SourceRow>> ListAsync(PharosDb db, CancellationToken ct) =>
        (await db.Set<EventSource>().AsNoTracking().ToListAsync(ct)).Select(Row)
            .OrderBy(s => s.RevokedAt is not null).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();

    internal static async Task<SourceRow> CreateAsync(PharosDb db, WriteKeys keys, SourceInput input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > EventSource.NameMax)
            throw RuleViolation.BadField("name", "Name the source (at most 80 characters), e.g. 官网 website.");
        if (await db.Set<EventSource>().AnyAsync(s => s.Name == name, ct))
            throw RuleViolation.BadField("name", "A source with this name already exists.");
        var source = new EventSource { Name = name, WriteKey = EventSource.NewWriteKey(), CreatedAt = now, CreatedBy = actor.Name };
        db.Add(source);
        db.Audit(actor, now, "EventSource", source.Id, "Created", new { source.Name });
        await db.SaveChangesAsync(ct);
        keys.Invalidate();
        return Row(source);
    }

    internal static async Task RevokeAsync(PharosDb db, WriteKeys keys, Guid id, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var source = await db.Set<EventSource>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFound("Event source");
        if (!source.Active) return;
        source.Revoke(now, actor.Name);
        db.Audit(actor, now, "EventSource", source.Id, "Revoked", new { source.Name });
        await db.SaveChangesAsync(ct);
        keys.Invalidate();
    }

    public static RouteGroupBuilder MapEventSources(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/analytics/sources").WithTags("Analytics").RequireAuthorization(Permissions.AnalyticsAdmin);
        g.MapGet("/", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await ListAsync(db, ct)))
            .WithSummary("Event sources and their write keys (Segment-compatible ingestion at /v1/*).");
        g.MapPost("/", async (SourceInput input, PharosDb db, WriteKeys keys, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                var row = await CreateAsync(db, keys, input, await user.NamedActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Created($"/api/analytics/sources/{row.Id}", row);
            })
            .WithSummary("Creates a source and its write key.");
        g.MapPost("/{id:guid}/revoke", async (Guid id, PharosDb db, WriteKeys keys, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                await RevokeAsync(db, keys, id, await user.NamedActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Revokes a source's write key: its requests are refused with 401 from then on.");
        return api;
    }
}
