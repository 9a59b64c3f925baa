using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Platform.Identity;

/// <summary>A personal API token. Only its SHA-256 hash is stored; the token is shown once.</summary>
public sealed class ApiToken
{
    public const string Prefix = "phr_";
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required string Name { get; init; }
    public required string Hash { get; init; }
    /// <summary>The first characters, so a user can tell tokens apart without the secret.</summary>
    public required string Hint { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public static (ApiToken Token, string Secret) Create(Guid userId, string name, DateTimeOffset now)
    {
        var secret = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        return (new ApiToken { UserId = userId, Name = name, Hash = HashOf(secret), Hint = secret[..8], CreatedAt = now }, secret);
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.Property(t => t.Hint).HasMaxLength(8);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne<PharosUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PharosUserConfiguration : IEntityTypeConfiguration<PharosUser>
{
    public void Configure(EntityTypeBuilder<PharosUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.Culture).HasMaxLength(10);
        b.HasIndex(u => u.AccountId);
        b.ToTable(t => t.HasCheckConstraint("CK_User_PortalHasAccount",
            "(\"Kind\" = 'Portal' AND \"AccountId\" IS NOT NULL) OR (\"Kind\" = 'Staff' AND \"AccountId\" IS NULL)"));
    }
}
