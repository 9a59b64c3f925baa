using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Dashboard;
using Pharos.Customers.Entitlements;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Tiering;

public static class TieringApi
{
    public static RouteGroupBuilder MapTiering(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tiering").WithTags("Tiering");

        g.MapGet("/rules", async (Retier retier, CancellationToken ct) => TypedResults.Ok(await retier.RulesAsync(ct)))
            .RequireAuthorization(Permissions.CustomersRead);

        g.MapPost("/rules/preview", async (TieringRules rules, Retier retier, CancellationToken ct) =>
            {
                RuleViolation.ThrowIfInvalid(rules);
                return TypedResults.Ok(await retier.PreviewAsync(rules, ct));
            })
            .RequireAuthorization(Permissions.TierRules)
            .WithSummary("How many accounts would move between tiers under these rules. Nothing is saved.");

        g.MapPut("/rules", async (TieringRules rules, TieringSettings settings, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(new { changed = await settings.SaveRulesAsync(rules, await user.ActorAsync(), ct) }))
            .RequireAuthorization(Permissions.TierRules)
            .WithSummary("Saves the rules and recomputes every account's tier.");

        g.MapPost("/recompute", async (Retier retier, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(new { changed = await retier.RunAsync(await user.ActorAsync(), ct) }))
            .RequireAuthorization(Permissions.TierRules);

        g.MapGet("/dashboard", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await TierDashboard.LoadAsync(db, ct)))
            .RequireAuthorization(Permissions.CustomersRead)
            .WithSummary("Tier distribution, revenue per tier and the Pareto curve.");

        var e = api.MapGroup("/entitlements").WithTags("Tiering");
        e.MapGet("/", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await db.GetSettingAsync<ServiceEntitlements>(ServiceEntitlements.Key, ct)))
            .RequireAuthorization(Permissions.CustomersRead);
        e.MapPut("/", async (ServiceEntitlements value, TieringSettings settings, CurrentUser user, CancellationToken ct) =>
            {
                await settings.SaveEntitlementsAsync(value, await user.ActorAsync(), ct);
                return TypedResults.Ok(value);
            })
            .RequireAuthorization(Permissions.Entitlements);
        return api;
    }
}

/// <summary>Saving tiering settings: audited, and for the rules followed at once by a recompute, in one transaction.</summary>
public sealed class TieringSettings(PharosDb db, Retier retier, TimeProvider time)
{
    public async Task<int> SaveRulesAsync(TieringRules rules, Actor actor, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(rules);
        var before = await retier.RulesAsync(ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SetSettingAsync(Retier.RulesKey, rules, now, ct);
        db.Audit(actor, now, "TieringRules", Guid.Empty, "updated", new { before, after = rules });
        await db.SaveChangesAsync(ct);
        var changed = await retier.RunAsync(actor, ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    public async Task SaveEntitlementsAsync(ServiceEntitlements value, Actor actor, CancellationToken ct = default)
    {
        // JSON can send null for a tier or its roles ({"s": null}); refuse it as bad input instead of failing with a 500.
        foreach (var (tier, e) in new[] { ("s", value.S), ("a", value.A), ("b", value.B), ("c", value.C) })
        {
            if (e is null) throw RuleViolation.BadField(tier, $"The entitlement of tier {tier.ToUpperInvariant()} is missing.");
            if (e.TeamRoles is null) throw RuleViolation.BadField("teamRoles", $"The team roles of tier {tier.ToUpperInvariant()} are missing; send [] for none.");
            RuleViolation.ThrowIfInvalid(e);
        }
        var now = time.GetUtcNow();
        await db.SetSettingAsync(ServiceEntitlements.Key, value, now, ct);
        db.Audit(actor, now, "ServiceEntitlements", Guid.Empty, "updated", value);
        await db.SaveChangesAsync(ct);
    }
}
