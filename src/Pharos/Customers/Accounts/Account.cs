using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Accounts;

/// <summary>A customer company (客户/企业).</summary>
public sealed class Account
{
    public const int NameMax = 200;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The id in the company's CRM or billing system; unique when present.</summary>
    public string? ExternalId { get; set; }
    public required string Industry { get; set; }
    public required string Region { get; set; }
    public string? City { get; set; }
    public int Employees { get; set; }
    public int BranchCount { get; set; }
    public LifecycleStage Stage { get; set; }
    public LeadChannel Channel { get; set; }
    public decimal AnnualContractValue { get; set; }
    public string Currency { get; set; } = "CNY";
    public bool IsStrategic { get; set; }
    public Influence Influence { get; set; }
    public bool IsReference { get; set; }
    public Guid? OwnerId { get; set; }

    /// <summary>The tier the rules give.</summary>
    public Tier ComputedTier { get; set; } = Tier.C;
    /// <summary>When the rules first tiered this account; null until they have (its first history line has no "from").</summary>
    public DateTimeOffset? TierComputedAt { get; set; }
    public string ComputedTierReason { get; set; } = "";
    public Tier? OverrideTier { get; set; }
    public string? OverrideReason { get; set; }
    public Guid? OverrideById { get; set; }
    public DateTimeOffset? OverrideAt { get; set; }

    /// <summary>The tier in force: the override when there is one, else the computed tier. Stored so lists can filter and group by it.</summary>
    public Tier Tier { get; private set; } = Tier.C;
    public string TierReason => OverrideTier is null ? ComputedTierReason : OverrideReason ?? "";

    /// <summary>Sets the rules' result; returns whether the tier in force changed.</summary>
    public bool SetComputed(Tier tier, string reason)
    {
        var before = Tier;
        ComputedTier = tier;
        ComputedTierReason = reason.Length > 500 ? reason[..500] : reason;
        Tier = OverrideTier ?? ComputedTier;
        return before != Tier;
    }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }

    public void Override(Tier tier, string reason, Guid? by, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw RuleViolation.BadField("reason", "A tier override needs a reason.");
        if (reason.Length > 500) throw RuleViolation.BadField("reason", "The reason is at most 500 characters.");
        OverrideTier = tier;
        OverrideReason = reason.Trim();
        OverrideById = by;
        OverrideAt = at;
        UpdatedAt = at;
        Tier = tier;
    }

    public void RevertOverride(DateTimeOffset at)
    {
        if (OverrideTier is null) throw new RuleViolation("This account's tier is not overridden.");
        OverrideTier = null;
        OverrideReason = null;
        OverrideById = null;
        OverrideAt = null;
        UpdatedAt = at;
        Tier = ComputedTier;
    }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.Name).HasMaxLength(Account.NameMax);
        b.HasIndex(a => a.Name).IsUnique();
        b.Property(a => a.ExternalId).HasMaxLength(64);
        b.HasIndex(a => a.ExternalId).IsUnique();
        b.Property(a => a.Industry).HasMaxLength(50);
        b.Property(a => a.Region).HasMaxLength(50);
        b.Property(a => a.City).HasMaxLength(50);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.Property(a => a.ComputedTierReason).HasMaxLength(500);
        b.Property(a => a.OverrideReason).HasMaxLength(500);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Ignore(a => a.TierReason);
        b.HasIndex(a => a.Tier);
        b.HasIndex(a => a.AnnualContractValue);
        b.HasIndex(a => a.Industry);
        b.HasIndex(a => a.Region);
        b.HasOne<PharosUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany<PharosUser>().WithOne().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
