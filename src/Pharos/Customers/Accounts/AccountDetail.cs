using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Contacts;
using Pharos.Customers.Entitlements;
using Pharos.Customers.Public;
using Pharos.Customers.Teams;
using Pharos.Customers.Tiering;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;

namespace Pharos.Customers.Accounts;

public sealed record ContactRow(Guid Id, string Name, string? Title, string? Email, string? Phone, ContactRole Role, bool IsPrimary);
public sealed record TeamMemberRow(Guid Id, Guid UserId, string Name, string? Email, TeamRole Role);
public sealed record TierChangeRow(DateTimeOffset At, Tier? From, Tier To, TierChangeKind Kind, string Reason, string By);
public sealed record AuditRow(DateTimeOffset At, string UserName, string Action, string? Changes);

public sealed record AccountDetail(
    Guid Id, string Name, string? ExternalId, string Industry, string Region, string? City, int Employees, int BranchCount,
    LifecycleStage Stage, LeadChannel Channel, decimal AnnualContractValue, string Currency, bool IsStrategic, Influence Influence,
    bool IsReference, Guid? OwnerId, string? OwnerName,
    Tier Tier, string TierReason, Tier ComputedTier, string ComputedTierReason, Tier? OverrideTier, string? OverrideReason, DateTimeOffset? OverrideAt,
    Entitlement Entitlement, IReadOnlyList<ContactRow> Contacts, IReadOnlyList<TeamMemberRow> Team,
    IReadOnlyList<TierChangeRow> TierHistory, IReadOnlyList<AuditRow> Audit, uint Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class AccountDetailQuery
{
    /// <summary>An account's contacts, most important role first.</summary>
    public static async Task<List<ContactRow>> ContactsOfAsync(PharosDb db, Guid accountId, CancellationToken ct) =>
        // Roles are stored as words; order by their importance in memory (an account has tens of contacts, not thousands).
        (await db.Set<Contact>().AsNoTracking().Where(c => c.AccountId == accountId)
            .Select(c => new ContactRow(c.Id, c.Name, c.Title, c.Email, c.Phone, c.Role, c.IsPrimary)).ToListAsync(ct))
            .OrderBy(c => c.Role).ThenByDescending(c => c.IsPrimary).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();

    /// <summary>The distinct industries and regions in the book, for filters and suggestions.</summary>
    public static async Task<(List<string> Industries, List<string> Regions)> IndustriesAndRegionsAsync(PharosDb db, CancellationToken ct = default) =>
        (await db.Set<Account>().Select(a => a.Industry).Distinct().OrderBy(x => x).ToListAsync(ct),
         await db.Set<Account>().Select(a => a.Region).Distinct().OrderBy(x => x).ToListAsync(ct));

    public static async Task<AccountDetail?> LoadAsync(PharosDb db, Guid id, CancellationToken ct)
    {
        var a = await db.Set<Account>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return null;
        var owner = a.OwnerId is null ? null : await db.Users.Where(u => u.Id == a.OwnerId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        var contacts = await ContactsOfAsync(db, id, ct);
        var team = await (from m in db.Set<AccountTeamMember>().AsNoTracking()
                          join u in db.Users on m.UserId equals u.Id
                          where m.AccountId == id
                          select new TeamMemberRow(m.Id, u.Id, u.DisplayName, u.Email, m.Role)).ToListAsync(ct);
        team = [.. team.OrderBy(m => m.Role)];
        var history = await db.Set<TierChange>().AsNoTracking().Where(c => c.AccountId == id).OrderByDescending(c => c.At).Take(100)
            .Select(c => new TierChangeRow(c.At, c.From, c.To, c.Kind, c.Reason, c.By)).ToListAsync(ct);
        var audit = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.EntityType == nameof(Account) && e.EntityId == id)
            .OrderByDescending(e => e.At).Take(100).Select(e => new AuditRow(e.At, e.UserName, e.Action, e.Changes)).ToListAsync(ct);
        var entitlements = await db.GetSettingAsync<ServiceEntitlements>(ServiceEntitlements.Key, ct);
        return new AccountDetail(a.Id, a.Name, a.ExternalId, a.Industry, a.Region, a.City, a.Employees, a.BranchCount, a.Stage, a.Channel,
            a.AnnualContractValue, a.Currency, a.IsStrategic, a.Influence, a.IsReference, a.OwnerId, owner,
            a.Tier, a.TierReason, a.ComputedTier, a.ComputedTierReason, a.OverrideTier, a.OverrideReason, a.OverrideAt,
            entitlements.For(a.Tier), contacts, team, history, audit, a.Version, a.CreatedAt, a.UpdatedAt);
    }
}
