using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;

namespace Pharos.Customers.Contacts;

/// <summary>A person at a customer account (联系人) with an operations role.</summary>
public sealed class Contact
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public string? Title { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public ContactRole Role { get; set; }
    public bool IsPrimary { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.Title).HasMaxLength(100);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Phone).HasMaxLength(32);
        b.HasIndex(c => new { c.AccountId, c.Email }).IsUnique();
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
