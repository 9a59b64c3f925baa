using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Service.Inbox;

/// <summary>A user's own inbox view: a name and the inbox's query string ("status=Open&amp;tier=S").</summary>
public sealed class SavedView
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required string Name { get; set; }
    public required string Query { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record SavedViewInput(string? Name, string? Query);
public sealed record SavedViewRow(Guid Id, string Name, string Query, bool BuiltIn);

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.Property(v => v.Name).HasMaxLength(60);
        b.Property(v => v.Query).HasMaxLength(1000);
        b.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
    }
}

public static class SavedViews
{
    /// <summary>The views every agent starts with; "mine" is filled in per user.</summary>
    public static IReadOnlyList<SavedViewRow> BuiltIn(Guid? me) =>
    [
        new(Guid.Empty, "My open tickets", $"open=true&assigneeId={me}", true),
        new(Guid.Empty, "Breaching within 1 hour", "sla=AtRisk", true),
        new(Guid.Empty, "Breached", "sla=Breached", true),
        new(Guid.Empty, "S-tier open", "open=true&tier=S", true),
        new(Guid.Empty, "Unassigned", "open=true&unassigned=true", true),
        new(Guid.Empty, "Major incidents", "open=true&majorIncident=true", true),
    ];

    public static async Task<List<SavedViewRow>> ListAsync(PharosDb db, Guid userId, CancellationToken ct) =>
        [.. BuiltIn(userId), .. await db.Set<SavedView>().AsNoTracking().Where(v => v.UserId == userId).OrderBy(v => v.Name).Select(v => new SavedViewRow(v.Id, v.Name, v.Query, false)).ToListAsync(ct)];

    public static async Task<SavedView> SaveAsync(PharosDb db, Guid userId, SavedViewInput input, DateTimeOffset now, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 60) throw RuleViolation.BadField("name", "Name the view (at most 60 characters).");
        var query = (input.Query ?? "").Trim().TrimStart('?');
        if (query.Length > 1000) throw RuleViolation.BadField("query", "The view's filters are too long.");
        var existing = await db.Set<SavedView>().FirstOrDefaultAsync(v => v.UserId == userId && v.Name == name, ct);
        if (existing is not null) existing.Query = query;
        else db.Add(existing = new SavedView { UserId = userId, Name = name, Query = query, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        return existing;
    }

    public static RouteGroupBuilder MapSavedViews(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tickets/views").WithTags("Tickets").RequireAuthorization(Permissions.TicketsRead);
        g.MapGet("/", async (CurrentUser user, PharosDb db, CancellationToken ct) => TypedResults.Ok(await ListAsync(db, (await user.ActorAsync()).UserId!.Value, ct)));
        g.MapPost("/", async (SavedViewInput input, CurrentUser user, PharosDb db, TimeProvider time, CancellationToken ct) =>
        {
            var v = await SaveAsync(db, (await user.ActorAsync()).UserId!.Value, input, time.GetUtcNow(), ct);
            return TypedResults.Ok(new SavedViewRow(v.Id, v.Name, v.Query, false));
        });
        g.MapDelete("/{id:guid}", async (Guid id, CurrentUser user, PharosDb db, CancellationToken ct) =>
        {
            var me = (await user.ActorAsync()).UserId!.Value;
            // Another user's view is "not found", like any id outside what one may see.
            var deleted = await db.Set<SavedView>().Where(v => v.Id == id && v.UserId == me).ExecuteDeleteAsync(ct);
            return deleted == 0 ? Results.Problem(statusCode: 404, title: "Not found.", detail: "View was not found.") : Results.NoContent();
        });
        return api;
    }
}
