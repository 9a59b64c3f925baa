using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;

namespace Pharos.Customers.Tiering;

public enum TierChangeKind { Computed, Override, OverrideReverted }

/// <summary>One line of an account's tier history.</summary>
public sealed class TierChange
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid AccountId { get; init; }
    public Tier? From { get; init; }
    public Tier To { get; init; }
    public TierChangeKind Kind { get; init; }
    public required string Reason { get; init; }
    public string By { get; init; } = "system";
    public DateTimeOffset At { get; init; }
}

internal sealed class TierChangeConfiguration : IEntityTypeConfiguration<TierChange>
{
    public void Configure(EntityTypeBuilder<TierChange> b)
    {
        b.Property(c => c.Reason).HasMaxLength(500);
        b.Property(c => c.By).HasMaxLength(256);
        b.HasIndex(c => new { c.AccountId, c.At });
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
