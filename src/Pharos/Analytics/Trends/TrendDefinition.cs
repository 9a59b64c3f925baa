using System.ComponentModel.DataAnnotations;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Trends;

public enum TrendMeasure
{
    /// <summary>Every matching event.</summary>
    Events,
    /// <summary>Distinct people with a matching event in the bucket.</summary>
    UniquePersons,
    /// <summary>Distinct accounts with a matching event in the bucket (events without an account do not count).</summary>
    UniqueAccounts,
}

/// <summary>
/// Counts per calendar bucket of [<see cref="From"/>, <see cref="To"/>) in <see cref="TimeZone"/>, one series per
/// matcher index of the scan.
/// </summary>
public sealed record TrendDefinition : IValidatableObject
{
    public const int MaxSeries = 5;
    public const int MaxBuckets = 2000;

    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    /// <summary>The matcher index of each series.</summary>
    public required IReadOnlyList<int> Series { get; init; }
    public TimeInterval Interval { get; init; } = TimeInterval.Day;
    public TrendMeasure Measure { get; init; } = TrendMeasure.Events;
    /// <summary>Split each series by the rows' <see cref="ScanRow.Breakdown"/>.</summary>
    public bool Breakdown { get; init; }
    /// <summary>How many values per series get their own line; the rest are counted together as "(other)".</summary>
    public int BreakdownLimit { get; init; } = 10;
    public string TimeZone { get; init; } = LocalCalendar.DefaultTimeZone;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Series is null || Series.Count is < 1 or > MaxSeries)
            yield return new ValidationResult($"A trend has 1 to {MaxSeries} series.", [nameof(Series)]);
        foreach (var m in (Series ?? []).Where(m => m is < 0 or >= EventScan.MaxMatchers))
            yield return new ValidationResult($"Series matcher {m} is not a matcher index (0 to {EventScan.MaxMatchers - 1}).", [nameof(Series)]);
        if (To <= From)
            yield return new ValidationResult("The range ends after it starts.", [nameof(To)]);
        if (BreakdownLimit < 1)
            yield return new ValidationResult("The breakdown limit must be at least 1.", [nameof(BreakdownLimit)]);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out var zone))
            yield return new ValidationResult($"Unknown time zone '{TimeZone}'; use an IANA name such as Asia/Shanghai.", [nameof(TimeZone)]);
        else if (To > From)
        {
            var calendar = new LocalCalendar(zone);
            var buckets = calendar.Period(To.AddTicks(-TimeSpan.TicksPerMicrosecond), Interval) - calendar.Period(From, Interval) + 1;
            if (buckets > MaxBuckets)
                yield return new ValidationResult($"At most {MaxBuckets} buckets; this range has {buckets}.", [nameof(Interval)]);
        }
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate(new ValidationContext(this)).Select(e => e.ErrorMessage).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
    }
}

/// <param name="Series">The position of the series in the definition.</param>
/// <param name="Breakdown">Null without a breakdown; otherwise the value, "(none)" or "(other)".</param>
/// <param name="Values">One count per bucket, zeros included.</param>
/// <param name="Total">Events: the sum of the buckets. Unique measures: the distinct units over the whole range.</param>
public sealed record TrendSeries(int Series, int Matcher, string? Breakdown, IReadOnlyList<long> Values, long Total);

/// <param name="Buckets">The first local day of each bucket, from the one holding From to the one holding the last instant before To.</param>
public sealed record TrendResult(IReadOnlyList<DateOnly> Buckets, IReadOnlyList<TrendSeries> Series);
