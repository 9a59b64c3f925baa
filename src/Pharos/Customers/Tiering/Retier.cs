using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;

namespace Pharos.Customers.Tiering;

/// <summary>
/// Recomputes every account's tier. Tiers depend on the whole book (revenue share), so one account's new revenue can
/// move others: we always recompute all, which for tens of thousands of accounts is milliseconds of arithmetic.
/// </summary>
public sealed class Retier(PharosDb db, TimeProvider time)
{
    public const string RulesKey = "customers.tiering-rules";

    public Task<TieringRules> RulesAsync(CancellationToken ct = default) => db.GetSettingAsync<TieringRules>(RulesKey, ct);

    /// <summary>Applies the rules to all accounts, writes history for every change, and saves. Returns how many changed.</summary>
    public async Task<int> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var rules = await RulesAsync(ct);
        var accounts = await db.Set<Account>().ToListAsync(ct);
        var results = TierEngine.Compute(Inputs(accounts), rules).ToDictionary(r => r.Id);
        var now = time.GetUtcNow();
        var changed = 0;
        foreach (var a in accounts)
        {
            var r = results[a.Id];
            var from = a.Tier;
            var computedBefore = a.ComputedTier;
            var first = a.TierComputedAt is null;
            if (first) a.TierComputedAt = now;
            if (a.SetComputed(r.Tier, r.Reason) || first)
            {
                changed++;
                db.Add(new TierChange { AccountId = a.Id, From = first ? null : from, To = a.Tier, Kind = TierChangeKind.Computed, Reason = r.Reason, By = actor.Name, At = now });
            }
            else if (computedBefore != r.Tier && a.OverrideTier is not null)
            {
                // The override hides it, but history should show that the rules now say something else.
                db.Add(new TierChange { AccountId = a.Id, From = computedBefore, To = r.Tier, Kind = TierChangeKind.Computed, Reason = "overridden;" + r.Reason, By = actor.Name, At = now });
            }
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }

    public static List<TierInput> Inputs(IEnumerable<Account> accounts) =>
        accounts.Select(a => new TierInput(a.Id, a.AnnualContractValue, a.IsStrategic, a.Influence, a.BranchCount, a.Stage)).ToList();

    /// <summary>How many accounts would move from each tier to each other tier under <paramref name="rules"/> (overrides kept).</summary>
    public async Task<TierPreview> PreviewAsync(TieringRules rules, CancellationToken ct = default)
    {
        var accounts = await db.Set<Account>().AsNoTracking().ToListAsync(ct);
        var results = TierEngine.Compute(Inputs(accounts), rules).ToDictionary(r => r.Id, r => r.Tier);
        var moves = accounts
            .Select(a => (From: a.Tier, To: a.OverrideTier ?? results[a.Id]))
            .GroupBy(m => m)
            .Select(g => new TierMove(g.Key.From, g.Key.To, g.Count()))
            .OrderBy(m => m.From).ThenBy(m => m.To)
            .ToList();
        var before = Enum.GetValues<Tier>().ToDictionary(t => t, t => accounts.Count(a => a.Tier == t));
        var after = Enum.GetValues<Tier>().ToDictionary(t => t, t => moves.Where(m => m.To == t).Sum(m => m.Count));
        return new TierPreview(moves, before, after, moves.Where(m => m.From != m.To).Sum(m => m.Count));
    }
}

public sealed record TierMove(Tier From, Tier To, int Count);
public sealed record TierPreview(IReadOnlyList<TierMove> Moves, IReadOnlyDictionary<Tier, int> Before, IReadOnlyDictionary<Tier, int> After, int Moving);
