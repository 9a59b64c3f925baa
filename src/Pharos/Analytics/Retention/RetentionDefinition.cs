using System.ComponentModel.DataAnnotations;
using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;
using Pharos.Analytics.Trends;

namespace Pharos.Analytics.Retention;

public enum RetentionMode
{
    /// <summary>A unit belongs to the cohort of its first start event in the scanned rows, only.</summary>
    FirstTime,
    /// <summary>Every period with a start event puts the unit in that period's cohort.</summary>
    Recurring,
}

public enum RetentionCriterion
{
    /// <summary>Retained in period N: a return event in exactly the N-th period after the cohort's.</summary>
    On,
    /// <summary>Retained in period N: a return event in the N-th period after the cohort's or any later one.</summary>
    OnOrAfter,
}

/// <summary>
/// Cohorts by the start matcher, returns by the return matcher (indexes into the scan's matchers). Cohorts are the
/// calendar periods (in <see cref="TimeZone"/>) of start events in [<see cref="From"/>, <see cref="To"/>); the scan
/// should reach back to the beginning of the data for first-time retention, and forward far enough to see the returns.
/// </summary>
public sealed record RetentionDefinition : IValidatableObject
{
    public const int MaxPeriods = 100;
    public const int MaxCohorts = 1000;

    public required int StartMatcher { get; init; }
    public required int ReturnMatcher { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public TimeInterval Period { get; init; } = TimeInterval.Week;
    /// <summary>The last period reported after period 0: the table has <c>Periods + 1</c> columns.</summary>
    public int Periods { get; init; } = 8;
    public RetentionMode Mode { get; init; } = RetentionMode.FirstTime;
    public RetentionCriterion Criterion { get; init; } = RetentionCriterion.On;
    public CountBy CountBy { get; init; } = CountBy.Person;
    public string TimeZone { get; init; } = LocalCalendar.DefaultTimeZone;
    /// <summary>Periods that have not started by this instant are not observable yet: their cells are null. Null: all are.</summary>
    public DateTimeOffset? ObservedUntil { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StartMatcher is < 0 or >= EventScan.MaxMatchers || ReturnMatcher is < 0 or >= EventScan.MaxMatchers)
            yield return new ValidationResult($"Matchers are indexes 0 to {EventScan.MaxMatchers - 1}.", [nameof(StartMatcher), nameof(ReturnMatcher)]);
        if (To <= From)
            yield return new ValidationResult("The cohort range ends after it starts.", [nameof(To)]);
        if (Periods is < 1 or > MaxPeriods)
            yield return new ValidationResult($"Periods run from 1 to {MaxPeriods}.", [nameof(Periods)]);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out var zone))
            yield return new ValidationResult($"Unknown time zone '{TimeZone}'; use an IANA name such as Asia/Shanghai.", [nameof(TimeZone)]);
        else if (To > From)
        {
            var calendar = new LocalCalendar(zone);
            var cohorts = calendar.Period(To.AddTicks(-TimeSpan.TicksPerMicrosecond), Period) - calendar.Period(From, Period) + 1;
            if (cohorts > MaxCohorts)
                yield return new ValidationResult($"At most {MaxCohorts} cohorts; this range has {cohorts}.", [nameof(From), nameof(To)]);
        }
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate(new ValidationContext(this)).Select(e => e.ErrorMessage).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
    }
}

/// <param name="Period">0 is the cohort's own period.</param>
/// <param name="Count">Units retained; for period 0 the cohort size. Null when the period is not observable yet.</param>
/// <param name="Percent">Of the cohort size (period 0 is 100); null when the cohort is empty or the period not observable.</param>
public sealed record RetentionCell(int Period, int? Count, double? Percent);

/// <param name="Start">The first local day of the cohort's period.</param>
public sealed record RetentionCohort(DateOnly Start, int Size, IReadOnlyList<RetentionCell> Periods);

/// <param name="Cohorts">Every period of the range, oldest first, empty ones included.</param>
/// <param name="WeightedMean">Per period: the retained units of the cohorts that can show it, over their sizes.</param>
public sealed record RetentionResult(IReadOnlyList<RetentionCohort> Cohorts, IReadOnlyList<RetentionCell> WeightedMean);
