using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Public;

namespace Pharos.Customers.Tiering;

/// <summary>
/// The configurable rules behind S/A/B/C (二八原则 and the rest of DOMAIN.md §1).
/// An account gets the best tier any rule gives it.
/// </summary>
public sealed record TieringRules : IValidatableObject
{
    /// <summary>Accounts that together make the first this-much of revenue are S by revenue.</summary>
    [Range(0.0, 1.0)] public double SRevenueShare { get; init; } = 0.5;
    /// <summary>… up to this cumulative share are A (the classic 80%).</summary>
    [Range(0.0, 1.0)] public double ARevenueShare { get; init; } = 0.8;
    /// <summary>… up to this cumulative share are B; the long tail is C.</summary>
    [Range(0.0, 1.0)] public double BRevenueShare { get; init; } = 0.95;

    /// <summary>The strategic flag lifts an account to at least this tier (null: the flag does not count).</summary>
    public Tier? StrategicAtLeast { get; init; } = Tier.A;
    /// <summary>An industry leader (行业龙头) is lifted to at least this tier.</summary>
    public Tier? IndustryLeaderAtLeast { get; init; } = Tier.A;
    /// <summary>Strategic and an industry leader together: brand effect, lifted to at least this tier.</summary>
    public Tier? StrategicLeaderAtLeast { get; init; } = Tier.S;
    /// <summary>Regional influence lifts to at least this tier.</summary>
    public Tier? RegionalInfluenceAtLeast { get; init; } = Tier.B;

    /// <summary>This many branches or stores (门店/分支) or more lift to at least A (0: off).</summary>
    [Range(0, 1_000_000)] public int BranchesForA { get; init; } = 200;
    /// <summary>This many branches or more lift to at least B (0: off).</summary>
    [Range(0, 1_000_000)] public int BranchesForB { get; init; } = 30;

    /// <summary>Churned accounts are C whatever else holds.</summary>
    public bool ChurnedAreC { get; init; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(SRevenueShare <= ARevenueShare && ARevenueShare <= BRevenueShare))
            yield return new ValidationResult("Revenue shares must rise from S to A to B.", [nameof(ARevenueShare)]);
        if (BranchesForA > 0 && BranchesForB > 0 && BranchesForA < BranchesForB)
            yield return new ValidationResult("The branch count for A must not be below the one for B.", [nameof(BranchesForA)]);
    }
}
