using System.ComponentModel.DataAnnotations;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Funnels;

/// <summary>What an analysis counts: people, or the accounts their events count for.</summary>
public enum CountBy { Person, Account }

/// <summary>The labels every engine gives to a missing breakdown value and to the values beyond the limit.</summary>
public static class BreakdownLabels
{
    public const string None = "(none)";
    public const string Other = "(other)";
}

public enum FunnelOrder
{
    /// <summary>Each step after the previous one, anything may happen in between.</summary>
    Sequential,
    /// <summary>Each step directly after the previous one: any other event of the unit clears the partial progress.</summary>
    Strict,
    /// <summary>The steps in any order, all within the window from the first of them.</summary>
    AnyOrder,
}

/// <summary>
/// Drops the attempt in which an event of <paramref name="Matcher"/> happens after the attempt reached
/// <paramref name="FromStep"/> and before it reached <paramref name="ToStep"/> (steps count from 1, unlike
/// PostHog's 0-based <c>funnelFromStep</c>/<c>funnelToStep</c>).
/// </summary>
public sealed record FunnelExclusion(int Matcher, int FromStep, int ToStep);

/// <summary>
/// A funnel over one scan: each step and each exclusion names a matcher of that scan by index (the bit of
/// <see cref="ScanRow.Mask"/>). docs/analytics-semantics.md says what every option means.
/// </summary>
public sealed record FunnelDefinition : IValidatableObject
{
    public const int MinSteps = 2;
    public const int MaxSteps = 10;

    /// <summary>The matcher index of each step, first step first. The same matcher may appear twice (the event must happen twice).</summary>
    public required IReadOnlyList<int> Steps { get; init; }
    /// <summary>Measured from the attempt's first step to each later step, inclusive.</summary>
    public TimeSpan ConversionWindow { get; init; } = TimeSpan.FromDays(14);
    public FunnelOrder Order { get; init; } = FunnelOrder.Sequential;
    public IReadOnlyList<FunnelExclusion> Exclusions { get; init; } = [];
    public CountBy CountBy { get; init; } = CountBy.Person;
    /// <summary>Split the result by the rows' <see cref="ScanRow.Breakdown"/> (the scan says what it holds).</summary>
    public bool Breakdown { get; init; }
    /// <summary>How many breakdown values get their own row; the rest are summed into "(other)".</summary>
    public int BreakdownLimit { get; init; } = 25;

    /// <summary>
    /// Strict funnels must see every event of a unit, not only the step events, so the scan must set
    /// <see cref="EventScan.AllEvents"/>.
    /// </summary>
    public bool NeedsAllEvents => Order == FunnelOrder.Strict;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Steps is null || Steps.Count is < MinSteps or > MaxSteps)
            yield return new ValidationResult($"A funnel has {MinSteps} to {MaxSteps} steps.", [nameof(Steps)]);
        foreach (var m in (Steps ?? []).Where(m => m is < 0 or >= EventScan.MaxMatchers))
            yield return new ValidationResult($"Step matcher {m} is not a matcher index (0 to {EventScan.MaxMatchers - 1}).", [nameof(Steps)]);
        if (ConversionWindow <= TimeSpan.Zero)
            yield return new ValidationResult("The conversion window must be positive.", [nameof(ConversionWindow)]);
        if (BreakdownLimit < 1)
            yield return new ValidationResult("The breakdown limit must be at least 1.", [nameof(BreakdownLimit)]);
        var n = Steps?.Count ?? 0;
        foreach (var x in Exclusions ?? [])
        {
            if (x.Matcher is < 0 or >= EventScan.MaxMatchers)
                yield return new ValidationResult($"Exclusion matcher {x.Matcher} is not a matcher index.", [nameof(Exclusions)]);
            else if (Steps?.Contains(x.Matcher) == true)
                // The same events would both advance and exclude every attempt.
                yield return new ValidationResult($"Matcher {x.Matcher} is a step; it cannot also be an exclusion.", [nameof(Exclusions)]);
            if (x.FromStep < 1 || x.ToStep > n || x.FromStep >= x.ToStep)
                yield return new ValidationResult($"An exclusion runs from one step to a later one (1 to {n}); got {x.FromStep}→{x.ToStep}.", [nameof(Exclusions)]);
            else if (Order == FunnelOrder.AnyOrder && (x.FromStep != 1 || x.ToStep != n))
                // Without an order there is no "between step 2 and 3"; PostHog refuses these too.
                yield return new ValidationResult($"In an any-order funnel an exclusion spans the whole funnel (1→{n}).", [nameof(Exclusions)]);
        }
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate(new ValidationContext(this)).Select(e => e.ErrorMessage).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
    }
}

/// <param name="Step">1-based.</param>
/// <param name="Matcher">The step's matcher. In an any-order funnel step k means "k of the steps, in any order".</param>
/// <param name="Count">Units whose kept attempt reached this step.</param>
/// <param name="ConversionFromFirst">Percent of step 1's count (0 when step 1 is empty).</param>
/// <param name="ConversionFromPrevious">Percent of the previous step's count (100 for step 1 when it is not empty).</param>
/// <param name="DroppedOff">Units that reached the previous step but not this one (0 for step 1).</param>
/// <param name="MedianSecondsFromPrevious">Over the kept attempts that reached this step; null for step 1 or when none did.</param>
public sealed record FunnelStepResult(int Step, int Matcher, int Count, double ConversionFromFirst, double ConversionFromPrevious,
    int DroppedOff, double? MedianSecondsFromPrevious, double? AverageSecondsFromPrevious);

/// <param name="Breakdown">Null for the total; otherwise the value, "(none)" or "(other)".</param>
public sealed record FunnelSeries(string? Breakdown, IReadOnlyList<FunnelStepResult> Steps);

/// <param name="Total">Every unit, whatever its breakdown value.</param>
/// <param name="Breakdowns">Empty without a breakdown; otherwise the largest values first, "(other)" last.</param>
/// <param name="ExcludedUnits">Units dropped from the whole funnel because their kept attempt hit an exclusion.</param>
public sealed record FunnelResult(FunnelSeries Total, IReadOnlyList<FunnelSeries> Breakdowns, int ExcludedUnits);

/// <summary>
/// Which units to list. <paramref name="Dropped"/> false: the units whose kept attempt reached
/// <paramref name="Step"/> (the last step: those who converted). True: those that reached the step before
/// <paramref name="Step"/> but not <paramref name="Step"/> ("dropped at step <paramref name="Step"/>", Step ≥ 2).
/// </summary>
/// <param name="Breakdown">Only the units with this breakdown label ("(none)" and "(other)" included); null for all.</param>
public sealed record FunnelUnitsQuery(int Step, bool Dropped = false, string? Breakdown = null, int Limit = 100);

/// <param name="Units">Person or account ids in ordinal order, at most the limit.</param>
/// <param name="Total">How many units matched before the limit.</param>
public sealed record FunnelUnits(IReadOnlyList<string> Units, int Total, bool Truncated);
