using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Public;
using Pharos.Service.Calendars;
using Pharos.Service.Public;

namespace Pharos.Service.Policies;

/// <summary>
/// Response and resolution targets for one tier × priority, optionally narrowed to a ticket kind. The account's tier
/// decides its service: an S-tier urgent bug and a C-tier low question do not share a clock.
/// </summary>
public sealed class SlaPolicy
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Tier Tier { get; init; }
    public TicketPriority Priority { get; init; }
    /// <summary>Null: any kind without a policy of its own.</summary>
    public TicketKind? Kind { get; init; }
    public Guid CalendarId { get; set; }
    public int? FirstResponseMinutes { get; set; }
    public int? NextResponseMinutes { get; set; }
    public int? ResolutionMinutes { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> b)
    {
        // "Any kind" is stored as null; uniqueness of (tier, priority, kind) including null is checked in SlaPolicies,
        // since PostgreSQL treats nulls in a unique index as distinct.
        b.HasIndex(p => new { p.Tier, p.Priority, p.Kind });
        b.HasOne<ServiceCalendar>().WithMany().HasForeignKey(p => p.CalendarId).OnDelete(DeleteBehavior.Restrict);
    }
}
