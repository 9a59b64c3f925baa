using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Platform.Notifications;

/// <summary>An in-app notice for one user (the bell in the header).</summary>
public sealed class Notification
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public DateTimeOffset At { get; init; }
    public required string Title { get; init; }
    public string Body { get; init; } = "";
    /// <summary>A path inside Pharos, e.g. /service/tickets/…</summary>
    public string? Link { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>
/// A mail waiting to be sent. It is written in the same transaction as the change it reports, so a crash can delay a
/// mail but never lose one; delivery retries with back-off.
/// </summary>
public sealed class OutboxMail
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public DateTimeOffset CreatedAt { get; init; }
    public required string To { get; init; }
    public string ToName { get; init; } = "";
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public string? HtmlBody { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.HasIndex(n => new { n.UserId, n.ReadAt, n.At });
        b.Property(n => n.Title).HasMaxLength(300);
        b.Property(n => n.Body).HasMaxLength(2000);
        b.Property(n => n.Link).HasMaxLength(300);
    }
}

internal sealed class OutboxMailConfiguration : IEntityTypeConfiguration<OutboxMail>
{
    public void Configure(EntityTypeBuilder<OutboxMail> b)
    {
        b.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
        b.Property(m => m.To).HasMaxLength(256);
        b.Property(m => m.ToName).HasMaxLength(200);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.LastError).HasMaxLength(1000);
    }
}
