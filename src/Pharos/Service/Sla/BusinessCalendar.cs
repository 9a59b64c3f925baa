using System.ComponentModel.DataAnnotations;

namespace Pharos.Service.Sla;

/// <summary>One stretch of working time on a weekday, in the calendar's local time (a day may have several: 09:00–12:00, 13:30–18:00).</summary>
public sealed record WorkingPeriod(DayOfWeek Day, TimeOnly Start, TimeOnly End);

/// <summary>
/// When the service clock runs. Either 7×24, or working periods per weekday in a time zone, minus holidays, plus
/// make-up working days (调休: a Saturday worked in exchange for a holiday, with Monday's hours).
/// </summary>
public sealed record BusinessCalendar : IValidatableObject
{
    [Required, StringLength(64)] public string TimeZone { get; init; } = "Asia/Shanghai";
    public bool AlwaysOpen { get; init; }
    public IReadOnlyList<WorkingPeriod> Periods { get; init; } = [];
    public IReadOnlyCollection<DateOnly> Holidays { get; init; } = [];
    public IReadOnlyCollection<DateOnly> MakeUpWorkdays { get; init; } = [];

    public static BusinessCalendar SevenByTwentyFour(string timeZone = "Asia/Shanghai") => new() { TimeZone = timeZone, AlwaysOpen = true };

    /// <summary>Monday to Friday, 09:00–18:00 with a lunch break 12:00–13:00: the common Chinese office day.</summary>
    public static BusinessCalendar OfficeHours(string timeZone = "Asia/Shanghai") => new()
    {
        TimeZone = timeZone,
        Periods = [.. Enum.GetValues<DayOfWeek>().Where(d => d is not DayOfWeek.Saturday and not DayOfWeek.Sunday)
            .SelectMany(d => new[] { new WorkingPeriod(d, new TimeOnly(9, 0), new TimeOnly(12, 0)), new WorkingPeriod(d, new TimeOnly(13, 0), new TimeOnly(18, 0)) })],
    };

    internal TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _))
            yield return new ValidationResult($"Unknown time zone '{TimeZone}'; use an IANA name such as Asia/Shanghai.", [nameof(TimeZone)]);
        if (!AlwaysOpen && Periods.Count == 0)
            yield return new ValidationResult("A calendar needs working periods unless it is always open (7×24).", [nameof(Periods)]);
        foreach (var p in Periods.Where(p => p.End <= p.Start))
            yield return new ValidationResult($"A working period on {p.Day} ends ({p.End}) before it starts ({p.Start}).", [nameof(Periods)]);
        foreach (var day in Periods.GroupBy(p => p.Day))
        {
            var sorted = day.OrderBy(p => p.Start).ToList();
            for (var i = 1; i < sorted.Count; i++)
                if (sorted[i].Start < sorted[i - 1].End)
                    yield return new ValidationResult($"Working periods on {day.Key} overlap.", [nameof(Periods)]);
        }
    }
}

/// <summary>A stretch of time during which the clock stops (the ticket waits on the customer).</summary>
public sealed record Pause(DateTimeOffset From, DateTimeOffset? Until);
