using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Accounts;
using Pharos.Platform.Identity;

namespace Pharos.Customers.Teams;

/// <summary>The part a staff member plays on an account's team (DOMAIN.md: KA sales, KA operations, PM, analyst …).</summary>
public enum TeamRole { KaSales, KaOperations, CustomerSuccess, ProductManager, DataAnalyst, Support }

public sealed class AccountTeamMember
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid AccountId { get; init; }
    public Guid UserId { get; init; }
    public TeamRole Role { get; set; }
}

internal sealed class AccountTeamMemberConfiguration : IEntityTypeConfiguration<AccountTeamMember>
{
    public void Configure(EntityTypeBuilder<AccountTeamMember> b)
    {
        b.HasIndex(m => new { m.AccountId, m.UserId, m.Role }).IsUnique();
        b.HasIndex(m => m.UserId);
        b.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PharosUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
