using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Platform.Data;

namespace Pharos.Platform.Audit;

/// <summary>Who changed what, when. Written in the same SaveChanges as the change, so neither exists without the other.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public DateTimeOffset At { get; init; }
    public Guid? UserId { get; init; }
    public required string UserName { get; init; }
    public required string EntityType { get; init; }
    public Guid EntityId { get; init; }
    public required string Action { get; init; }
    /// <summary>JSON object of field → [old, new], or free detail.</summary>
    public string? Changes { get; init; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.UserName).HasMaxLength(256);
        b.Property(a => a.EntityType).HasMaxLength(64);
        b.Property(a => a.Action).HasMaxLength(64);
        b.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
    }
}

public static class AuditExtensions
{
    public static void Audit(this PharosDb db, Actor actor, DateTimeOffset at, string entityType, Guid entityId, string action, object? changes = null) =>
        db.Add(new AuditEntry
        {
            At = at, UserId = actor.UserId, UserName = actor.Name, EntityType = entityType, EntityId = entityId, Action = action,
            Changes = changes is null ? null : changes as string ?? JsonSerializer.Serialize(changes, JsonOptions),
        });

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>The one who acts: a signed-in user, or the system itself (schedules, seeding, the CLI).</summary>
public sealed record Actor(Guid? UserId, string Name)
{
    public static readonly Actor System = new(null, "system");

    /// <summary>The signed-in user of a principal, or <see cref="System"/> when nobody is signed in.</summary>
    public static Actor From(ClaimsPrincipal p) =>
        p.Identity?.IsAuthenticated != true ? System
            : new(Guid.TryParse(p.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id) ? id : null, p.Identity.Name ?? "?");
}
