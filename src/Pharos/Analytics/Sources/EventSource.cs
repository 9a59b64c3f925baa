using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Analytics.Sources;

/// <summary>
/// Where events come from ("官网 website", "产品 product web app"), each with its write key. A write key can only
/// add events. It is not a secret in the strong sense (a website puts it in every page, as with Segment), so it is
/// kept readable for admins; what protects the data is that the key reads nothing and can be revoked.
/// </summary>
public sealed class EventSource
{
    public const int NameMax = 80;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string WriteKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }

    public bool Active => RevokedAt is null;

    public void Revoke(DateTimeOffset at, string by)
    {
        if (RevokedAt is not null) return;
        RevokedAt = at;
        RevokedBy = by;
    }

    /// <summary>32 random bytes as URL-safe text: safe in a Basic header, a query string and a script tag.</summary>
    public static string NewWriteKey() =>
        "wk_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}

internal sealed class EventSourceConfiguration : IEntityTypeConfiguration<EventSource>
{
    public void Configure(EntityTypeBuilder<EventSource> b)
    {
        b.ToTable("EventSources");
        b.Property(s => s.Name).HasMaxLength(EventSource.NameMax);
        b.Property(s => s.WriteKey).HasMaxLength(64);
        b.Property(s => s.CreatedBy).HasMaxLength(256);
        b.Property(s => s.RevokedBy).HasMaxLength(256);
        b.HasIndex(s => s.WriteKey).IsUnique();
        b.HasIndex(s => s.Name).IsUnique();
    }
}
