using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Teams;
using Pharos.Platform.Data;

namespace Pharos.Customers.Public;

/// <summary>What other modules read of an account. Object-initialised (not positional) so EF can compose joins on it.</summary>
public sealed record AccountCard
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public Tier Tier { get; init; }
    public Guid? OwnerId { get; init; }
    /// <summary>The CRM id; analytics <c>group</c> calls name accounts by it.</summary>
    public string? ExternalId { get; init; }
    public string Industry { get; init; } = "";
    public string Region { get; init; } = "";
    /// <summary>Grows with every edit: lets another module notice that the book changed without reading it all.</summary>
    public uint Version { get; init; }
}

public sealed record ContactCard
{
    public Guid Id { get; init; }
    public Guid AccountId { get; init; }
    public string Name { get; init; } = "";
    public string? Email { get; init; }
    public ContactRole Role { get; init; }
}

/// <summary>
/// The customer book as other modules see it: queryable projections (so a module's own queries can join accounts
/// in SQL) and the account team, without exposing the Customers entities.
/// </summary>
public static class CustomerDirectory
{
    public static IQueryable<AccountCard> Accounts(PharosDb db) =>
        db.Set<Account>().AsNoTracking().Select(a => new AccountCard { Id = a.Id, Name = a.Name, Tier = a.Tier, OwnerId = a.OwnerId, ExternalId = a.ExternalId, Industry = a.Industry, Region = a.Region, Version = a.Version });

    public static IQueryable<ContactCard> Contacts(PharosDb db) =>
        db.Set<Contact>().AsNoTracking().Select(c => new ContactCard { Id = c.Id, AccountId = c.AccountId, Name = c.Name, Email = c.Email, Role = c.Role });

    /// <summary>Everyone on the account team plus the owner: who hears of a major incident.</summary>
    public static async Task<IReadOnlyList<Guid>> TeamAsync(PharosDb db, Guid accountId, CancellationToken ct)
    {
        var members = await db.Set<AccountTeamMember>().Where(m => m.AccountId == accountId).Select(m => m.UserId).ToListAsync(ct);
        var owner = await db.Set<Account>().Where(a => a.Id == accountId).Select(a => a.OwnerId).FirstOrDefaultAsync(ct);
        if (owner is { } o) members.Add(o);
        return members.Distinct().ToList();
    }
}
