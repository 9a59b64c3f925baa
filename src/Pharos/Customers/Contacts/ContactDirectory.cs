using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Contacts;

public sealed record ContactDirectoryRow(Guid Id, string Name, string? Title, string? Email, string? Phone, ContactRole Role, bool IsPrimary,
    Guid AccountId, string AccountName, Tier AccountTier);

/// <summary>Every contact across the book: find a person by name, email or phone without knowing their company.</summary>
public static class ContactDirectory
{
    public static async Task<Page<ContactDirectoryRow>> PageAsync(PharosDb db, string? q, ContactRole? role, Tier[]? tiers, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1) throw RuleViolation.BadField("page", "Page numbers start at 1.");
        if (pageSize is < 1 or > AccountQuery.MaxPageSize) throw RuleViolation.BadField("pageSize", $"Page size is between 1 and {AccountQuery.MaxPageSize}.");
        var query = from c in db.Set<Contact>().AsNoTracking()
                    join a in db.Set<Account>() on c.AccountId equals a.Id
                    select new { c, a };
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLower();
            query = query.Where(x => x.c.Name.Contains(term) || (x.c.Email != null && x.c.Email.Contains(term)) || (x.c.Phone != null && x.c.Phone.Contains(term))
                || (x.c.Title != null && x.c.Title.Contains(term)) || x.a.Name.ToLower().Contains(term));
        }
        if (role is { } r) query = query.Where(x => x.c.Role == r);
        if (tiers is { Length: > 0 }) query = query.Where(x => tiers.Contains(x.a.Tier));
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(x => x.a.Name).ThenBy(x => x.c.Name)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(x => new ContactDirectoryRow(x.c.Id, x.c.Name, x.c.Title, x.c.Email, x.c.Phone, x.c.Role, x.c.IsPrimary, x.a.Id, x.a.Name, x.a.Tier))
            .ToListAsync(ct);
        return new Page<ContactDirectoryRow>(items, total, page, pageSize);
    }

    public static RouteGroupBuilder MapContactDirectory(this RouteGroupBuilder api)
    {
        api.MapGet("/contacts", async (string? q, ContactRole? role, string? tier, int? page, int? pageSize, PharosDb db, CancellationToken ct) =>
                TypedResults.Ok(await PageAsync(db, q, role, AccountListQuery.ParseTiers(tier),
                    page ?? 1, pageSize ?? 50, ct)))
            .RequireAuthorization(Permissions.CustomersRead)
            .WithTags("Contacts")
            .WithSummary("Searches contacts across all accounts by name, email, phone, title or company.");
        return api;
    }
}
