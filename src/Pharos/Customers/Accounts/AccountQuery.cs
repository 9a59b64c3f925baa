using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;

namespace Pharos.Customers.Accounts;

/// <summary>The customer book's filter: one definition for the list page, the API and export, so they always agree.</summary>
public sealed record AccountFilter
{
    public string? Q { get; init; }
    public Tier[]? Tier { get; init; }
    public string? Industry { get; init; }
    public string? Region { get; init; }
    public LifecycleStage? Stage { get; init; }
    public Guid? OwnerId { get; init; }
    public bool? Strategic { get; init; }
    public bool? Overridden { get; init; }
    /// <summary>name, acv, tier, industry, region, updated (default: acv descending).</summary>
    public string? Sort { get; init; }
    public bool Desc { get; init; } = true;
}

public sealed record AccountRow(
    Guid Id, string Name, string? ExternalId, string Industry, string Region, string? City, Tier Tier, bool TierOverridden,
    LifecycleStage Stage, decimal AnnualContractValue, string Currency, Guid? OwnerId, string? OwnerName, DateTimeOffset UpdatedAt);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

public static class AccountQuery
{
    public const int MaxPageSize = 200;

    public static IQueryable<Account> Apply(IQueryable<Account> q, AccountFilter f)
    {
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var term = f.Q.Trim().ToLower();
            q = q.Where(a => a.Name.ToLower().Contains(term) || (a.ExternalId != null && a.ExternalId.ToLower().Contains(term)) || (a.City != null && a.City.ToLower().Contains(term)));
        }
        if (f.Tier is { Length: > 0 } tiers) q = q.Where(a => tiers.Contains(a.Tier));
        if (!string.IsNullOrWhiteSpace(f.Industry)) q = q.Where(a => a.Industry == f.Industry);
        if (!string.IsNullOrWhiteSpace(f.Region)) q = q.Where(a => a.Region == f.Region);
        if (f.Stage is { } stage) q = q.Where(a => a.Stage == stage);
        if (f.OwnerId is { } owner) q = q.Where(a => a.OwnerId == owner);
        if (f.Strategic is { } s) q = q.Where(a => a.IsStrategic == s);
        if (f.Overridden is { } o) q = q.Where(a => (a.OverrideTier != null) == o);
        return (f.Sort?.ToLowerInvariant(), f.Desc) switch
        {
            ("name", false) => q.OrderBy(a => a.Name),
            ("name", true) => q.OrderByDescending(a => a.Name),
            ("tier", false) => q.OrderBy(a => a.Tier == Public.Tier.S ? 0 : a.Tier == Public.Tier.A ? 1 : a.Tier == Public.Tier.B ? 2 : 3).ThenByDescending(a => a.AnnualContractValue),
            ("tier", true) => q.OrderByDescending(a => a.Tier == Public.Tier.S ? 0 : a.Tier == Public.Tier.A ? 1 : a.Tier == Public.Tier.B ? 2 : 3).ThenBy(a => a.AnnualContractValue),
            ("industry", var d) => d ? q.OrderByDescending(a => a.Industry).ThenBy(a => a.Name) : q.OrderBy(a => a.Industry).ThenBy(a => a.Name),
            ("region", var d) => d ? q.OrderByDescending(a => a.Region).ThenBy(a => a.Name) : q.OrderBy(a => a.Region).ThenBy(a => a.Name),
            ("updated", var d) => d ? q.OrderByDescending(a => a.UpdatedAt) : q.OrderBy(a => a.UpdatedAt),
            (_, false) => q.OrderBy(a => a.AnnualContractValue).ThenBy(a => a.Name),
            _ => q.OrderByDescending(a => a.AnnualContractValue).ThenBy(a => a.Name),
        };
    }

    public static IQueryable<AccountRow> Rows(PharosDb db, AccountFilter f) =>
        Apply(db.Set<Account>().AsNoTracking(), f).Select(a => new AccountRow(a.Id, a.Name, a.ExternalId, a.Industry, a.Region, a.City, a.Tier,
            a.OverrideTier != null, a.Stage, a.AnnualContractValue, a.Currency, a.OwnerId,
            db.Users.Where(u => u.Id == a.OwnerId).Select(u => u.DisplayName).FirstOrDefault(), a.UpdatedAt));

    public static async Task<Page<AccountRow>> PageAsync(PharosDb db, AccountFilter f, int page, int pageSize, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 1);
        var total = await Apply(db.Set<Account>(), f).CountAsync(ct);
        var items = await Rows(db, f).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<AccountRow>(items, total, page, pageSize);
    }
}
