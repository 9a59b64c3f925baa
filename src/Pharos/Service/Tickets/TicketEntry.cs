using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Service.Tickets;

/// <summary>Reply: public, the customer sees it. Note: internal, staff only. Event: a change, kept as history.</summary>
public enum EntryType { Reply, Note, Event }

/// <summary>One line of a ticket's conversation and history, in order.</summary>
public sealed class TicketEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TicketId { get; init; }
    public DateTimeOffset At { get; init; }
    public EntryType Type { get; init; }
    public Guid? AuthorId { get; init; }
    public string AuthorName { get; init; } = "";
    public bool FromCustomer { get; init; }
    /// <summary>Markdown as written; rendered through SafeMarkdown, never as raw HTML.</summary>
    public string Body { get; init; } = "";
    /// <summary>For events: what changed ("status", "assignee"…), from what, to what.</summary>
    public string? Field { get; init; }
    public string? OldValue { get; init; }
    public string? NewValue { get; init; }

    public bool VisibleToCustomer => Type == EntryType.Reply || (Type == EntryType.Event && Field is "status" or "opened");
}

/// <summary>A file on a reply or note. The bytes live in the attachment store outside the web root; this row says who may see them.</summary>
public sealed class TicketAttachment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TicketId { get; init; }
    public Guid EntryId { get; init; }
    public required string StoreKey { get; init; }
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public long Length { get; init; }
    public required string Sha256 { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class TicketEntryConfiguration : IEntityTypeConfiguration<TicketEntry>
{
    public void Configure(EntityTypeBuilder<TicketEntry> b)
    {
        b.HasIndex(e => new { e.TicketId, e.At });
        b.Property(e => e.AuthorName).HasMaxLength(200);
        b.Property(e => e.Body).HasMaxLength(Ticket.BodyMax);
        b.Property(e => e.Field).HasMaxLength(40);
        b.Property(e => e.OldValue).HasMaxLength(400);
        b.Property(e => e.NewValue).HasMaxLength(400);
        b.HasOne<Ticket>().WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TicketAttachmentConfiguration : IEntityTypeConfiguration<TicketAttachment>
{
    public void Configure(EntityTypeBuilder<TicketAttachment> b)
    {
        b.HasIndex(a => a.TicketId);
        b.Property(a => a.StoreKey).HasMaxLength(100);
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.HasOne<TicketEntry>().WithMany().HasForeignKey(a => a.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}
