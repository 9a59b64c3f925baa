using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Public;
using Pharos.Customers.Teams;

namespace Pharos.Customers.Entitlements;

/// <summary>How an account of a tier is served (DOMAIN.md §1, 服务权益).</summary>
public enum ServiceModel { DedicatedTeam, DedicatedOneToOne, DedicatedOneToTwo, Pooled }

public sealed record Entitlement
{
    public ServiceModel Model { get; init; }
    /// <summary>The roles a dedicated team holds (S: KA sales, KA operations, product manager, data analyst).</summary>
    public TeamRole[] TeamRoles { get; init; } = [];
    /// <summary>VIP channel: remote assistance (远程协助).</summary>
    public bool RemoteAssistance { get; init; }
    /// <summary>VIP channel: on-site support (驻场支持).</summary>
    public bool OnSiteSupport { get; init; }
    [StringLength(500)] public string? Notes { get; init; }
}

/// <summary>All tiers' entitlements: configured in one place, shown on every account page.</summary>
public sealed record ServiceEntitlements
{
    public const string Key = "customers.entitlements";

    public Entitlement S { get; init; } = new()
    {
        Model = ServiceModel.DedicatedTeam,
        TeamRoles = [TeamRole.KaSales, TeamRole.KaOperations, TeamRole.ProductManager, TeamRole.DataAnalyst],
        RemoteAssistance = true, OnSiteSupport = true,
    };
    public Entitlement A { get; init; } = new() { Model = ServiceModel.DedicatedOneToOne, TeamRoles = [TeamRole.CustomerSuccess], RemoteAssistance = true };
    public Entitlement B { get; init; } = new() { Model = ServiceModel.Pooled };
    public Entitlement C { get; init; } = new() { Model = ServiceModel.Pooled };

    public Entitlement For(Tier tier) => tier switch { Tier.S => S, Tier.A => A, Tier.B => B, _ => C };
}
