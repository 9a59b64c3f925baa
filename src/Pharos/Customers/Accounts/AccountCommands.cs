using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Customers.Tiering;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Accounts;

/// <summary>Writes to accounts, shared by the API and the UI so both check the same rules and leave the same audit.</summary>
public sealed class AccountCommands(PharosDb db, Retier retier, TimeProvider time)
{
    public async Task<Account> CreateAsync(AccountInput input, Actor actor, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        await EnsureUniqueAsync(input, null, ct);
        await EnsureOwnerAsync(input.OwnerId, ct);
        var now = time.GetUtcNow();
        var account = new Account { Name = input.Name, Industry = input.Industry, Region = input.Region, CreatedAt = now, UpdatedAt = now };
        input.ApplyTo(account);
        db.Add(account);
        db.Audit(actor, now, nameof(Account), account.Id, "created", new { account.Name });
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await retier.RunAsync(actor, ct);
        await tx.CommitAsync(ct);
        return account;
    }

    public async Task<Account> UpdateAsync(Guid id, AccountInput input, Actor actor, uint? expectedVersion = null, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        var account = await db.Set<Account>().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFound("Account");
        if (expectedVersion is { } v && v != account.Version) throw new DbUpdateConcurrencyException();
        await EnsureUniqueAsync(input, id, ct);
        await EnsureOwnerAsync(input.OwnerId, ct);
        var before = AccountInput.From(account);
        input.ApplyTo(account);
        var changes = Diff(before, AccountInput.From(account));
        if (changes.Count == 0) return account;
        var now = time.GetUtcNow();
        account.UpdatedAt = now;
        account.Version++;
        db.Audit(actor, now, nameof(Account), account.Id, "updated", changes);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (TierInputsChanged(changes)) await retier.RunAsync(actor, ct);
        await tx.CommitAsync(ct);
        return account;
    }

    public async Task<Account> OverrideTierAsync(Guid id, Tier tier, string? reason, Actor actor, CancellationToken ct = default)
    {
        var account = await db.Set<Account>().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFound("Account");
        var now = time.GetUtcNow();
        var from = account.Tier;
        account.Override(tier, reason ?? "", actor.UserId, now);
        account.Version++;
        db.Add(new TierChange { AccountId = id, From = from, To = tier, Kind = TierChangeKind.Override, Reason = account.OverrideReason!, By = actor.Name, At = now });
        db.Audit(actor, now, nameof(Account), id, "tier-overridden", new { from = from.ToString(), to = tier.ToString(), reason = account.OverrideReason });
        await db.SaveChangesAsync(ct);
        return account;
    }

    public async Task<Account> RevertOverrideAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var account = await db.Set<Account>().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFound("Account");
        var now = time.GetUtcNow();
        var from = account.Tier;
        var reason = account.OverrideReason;
        account.RevertOverride(now);
        account.Version++;
        db.Add(new TierChange { AccountId = id, From = from, To = account.Tier, Kind = TierChangeKind.OverrideReverted, Reason = account.ComputedTierReason, By = actor.Name, At = now });
        db.Audit(actor, now, nameof(Account), id, "tier-override-reverted", new { from = from.ToString(), to = account.Tier.ToString(), overrideReason = reason });
        await db.SaveChangesAsync(ct);
        return account;
    }

    private async Task EnsureUniqueAsync(AccountInput input, Guid? self, CancellationToken ct)
    {
        var name = input.Name.Trim();
        if (string.IsNullOrEmpty(name)) throw RuleViolation.BadField(nameof(AccountInput.Name), "Name is required.");
        if (await db.Set<Account>().AnyAsync(a => a.Name == name && a.Id != self, ct))
            throw RuleViolation.Format(nameof(AccountInput.Name), "An account named '{0}' already exists.", name);
        var ext = input.ExternalId?.Trim();
        if (!string.IsNullOrEmpty(ext) && await db.Set<Account>().AnyAsync(a => a.ExternalId == ext && a.Id != self, ct))
            throw RuleViolation.Format(nameof(AccountInput.ExternalId), "External id '{0}' is already used by another account.", ext);
    }

    private async Task EnsureOwnerAsync(Guid? ownerId, CancellationToken ct)
    {
        if (ownerId is { } id && !await db.Users.AnyAsync(u => u.Id == id && u.Kind == UserKind.Staff, ct))
            throw RuleViolation.BadField(nameof(AccountInput.OwnerId), "The owner must be a staff user.");
    }

    private static readonly string[] TierInputs =
        [nameof(AccountInput.AnnualContractValue), nameof(AccountInput.IsStrategic), nameof(AccountInput.Influence), nameof(AccountInput.BranchCount), nameof(AccountInput.Stage)];

    private static bool TierInputsChanged(Dictionary<string, object?[]> changes) => TierInputs.Any(changes.ContainsKey);

    private static Dictionary<string, object?[]> Diff(AccountInput a, AccountInput b)
    {
        var d = new Dictionary<string, object?[]>();
        foreach (var p in typeof(AccountInput).GetProperties())
        {
            var (x, y) = (p.GetValue(a), p.GetValue(b));
            if (!Equals(x, y)) d[p.Name] = [x?.ToString(), y?.ToString()];
        }
        return d;
    }
}
