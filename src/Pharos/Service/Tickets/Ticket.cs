using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Public;
using Pharos.Service.Public;
using Pharos.Service.Sla;

namespace Pharos.Service.Tickets;

/// <summary>
/// A ticket (工单). It always belongs to an account, and the account's tier at opening picks its SLA policy. The
/// targets are copied onto the ticket, so a later change of policy does not move deadlines already promised.
/// </summary>
public sealed partial class Ticket
{
    public const int SubjectMax = 200;
    public const int BodyMax = 20_000;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The number people say on the phone: #1024.</summary>
    public int Number { get; set; }
    public Guid AccountId { get; init; }
    public Guid? ContactId { get; set; }
    /// <summary>The portal user who opened it; a business user sees only these.</summary>
    public Guid? RequesterUserId { get; set; }
    public TicketKind Kind { get; set; }
    public TicketStatus Status { get; set; } = TicketStatus.New;
    public TicketPriority Priority { get; set; } = TicketPriority.Normal;
    public required string Subject { get; set; }
    /// <summary>The account's tier when the ticket was opened: the tier its service was promised at.</summary>
    public Tier Tier { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? GroupId { get; set; }
    public bool IsMajorIncident { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastCustomerReplyAt { get; set; }
    public DateTimeOffset? LastAgentReplyAt { get; set; }

    public Guid? CalendarId { get; set; }
    public int? FirstResponseTarget { get; set; }
    public int? NextResponseTarget { get; set; }
    public int? ResolutionTarget { get; set; }
    public DateTimeOffset? FirstResponseDueAt { get; set; }
    public DateTimeOffset? FirstRespondedAt { get; set; }
    public bool? FirstResponseMet { get; set; }
    /// <summary>When the customer's latest unanswered message came in after the first response: the next-response clock's start.</summary>
    public DateTimeOffset? NextResponseStartedAt { get; set; }
    public DateTimeOffset? NextResponseDueAt { get; set; }
    public bool? NextResponseMet { get; set; }
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public bool? ResolutionMet { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Time waiting on the customer (and between resolution and a reopen): the clock does not run.</summary>
    public List<Pause> Pauses { get; set; } = [];
    /// <summary>The earliest deadline still pending; stored so the inbox can sort and filter by it in SQL.</summary>
    public DateTimeOffset? NextDueAt { get; set; }
    /// <summary>Any target missed during the ticket's life.</summary>
    public bool SlaMissed { get; set; }
    public DateTimeOffset? WarnedDueAt { get; set; }
    public DateTimeOffset? BreachedDueAt { get; set; }
    /// <summary>0 none, 1 assignee warned, 2 group lead told of the breach, 3 operations managers told.</summary>
    public int EscalationLevel { get; set; }

    public int? CsatScore { get; set; }
    public string? CsatComment { get; set; }
    public DateTimeOffset? CsatAt { get; set; }
    public uint Version { get; set; }

    public List<TicketTag> Tags { get; init; } = [];

    public bool IsOpen => Status is not (TicketStatus.Resolved or TicketStatus.Closed);
}

public sealed class TicketTag
{
    public const int Max = 40;
    public Guid TicketId { get; init; }
    public required string Tag { get; init; }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.HasIndex(t => t.Number).IsUnique();
        b.Property(t => t.Subject).HasMaxLength(Ticket.SubjectMax);
        b.Property(t => t.CsatComment).HasMaxLength(2000);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasIndex(t => new { t.Status, t.NextDueAt });
        b.HasIndex(t => new { t.AccountId, t.CreatedAt });
        b.HasIndex(t => t.AssigneeId);
        b.HasIndex(t => t.CreatedAt);
        b.Property(t => t.Pauses).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<List<Pause>>(s, Json) ?? new List<Pause>(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<Pause>>(
                (a, c) => a!.SequenceEqual(c!), v => v.Count, v => v.ToList()));
        b.HasMany(t => t.Tags).WithOne().HasForeignKey(t => t.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SupportGroup>().WithMany().HasForeignKey(t => t.GroupId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TicketTagConfiguration : IEntityTypeConfiguration<TicketTag>
{
    public void Configure(EntityTypeBuilder<TicketTag> b)
    {
        b.HasKey(t => new { t.TicketId, t.Tag });
        b.Property(t => t.Tag).HasMaxLength(TicketTag.Max);
        b.HasIndex(t => t.Tag);
    }
}
