using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Service.Tickets;

/// <summary>A team that works tickets ("一线支持", "技术支持"). Its lead hears of a breach before operations does.</summary>
public sealed class SupportGroup
{
    public const int NameMax = 100;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid? LeadId { get; set; }
}

internal static class SupportGroupLeads
{
    public static async Task<Guid?> LeadOfAsync(Pharos.Platform.Data.PharosDb db, Guid? groupId, CancellationToken ct) =>
        groupId is { } g ? await db.Set<SupportGroup>().Where(x => x.Id == g).Select(x => x.LeadId).FirstOrDefaultAsync(ct) : null;

    /// <summary>Who answers for a ticket: its assignee, else its group's lead; null when neither is set.</summary>
    public static async Task<Guid?> ResponsibleAsync(Pharos.Platform.Data.PharosDb db, Ticket ticket, CancellationToken ct) =>
        ticket.AssigneeId ?? await LeadOfAsync(db, ticket.GroupId, ct);
}

internal sealed class SupportGroupConfiguration : IEntityTypeConfiguration<SupportGroup>
{
    public void Configure(EntityTypeBuilder<SupportGroup> b)
    {
        b.Property(g => g.Name).HasMaxLength(SupportGroup.NameMax);
        b.HasIndex(g => g.Name).IsUnique();
    }
}
