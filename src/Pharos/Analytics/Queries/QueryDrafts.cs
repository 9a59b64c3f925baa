using Pharos.Analytics.Store;

namespace Pharos.Analytics.Queries;

// The builders edit these mutable drafts and turn them into the API's immutable request records on "Run", so a
// saved insight or a shared link (?q=) always holds exactly what the HTTP API would take.

public sealed class FilterDraft
{
    public string? Property { get; set; }
    public FilterOp Op { get; set; } = FilterOp.Equals;
    public string? Value { get; set; }

    public static bool NeedsValue(FilterOp op) => op is not (FilterOp.IsSet or FilterOp.IsNotSet);

    public PropertyFilter? ToFilter() =>
        string.IsNullOrWhiteSpace(Property) ? null : new PropertyFilter(Property.Trim(), Op, NeedsValue(Op) ? Value ?? "" : null);

    public static List<FilterDraft> From(IEnumerable<PropertyFilter>? filters) =>
        [.. (filters ?? []).Select(f => new FilterDraft { Property = f.Property, Op = f.Op, Value = f.Value })];

    public static List<PropertyFilter>? ToList(IEnumerable<FilterDraft> drafts)
    {
        var list = drafts.Select(d => d.ToFilter()).OfType<PropertyFilter>().ToList();
        return list.Count == 0 ? null : list;
    }
}

public sealed class EventDraft
{
    public string? Event { get; set; }
    public List<FilterDraft> Filters { get; set; } = [];

    public EventInput ToInput() => new(Event?.Trim(), FilterDraft.ToList(Filters));

    public static EventDraft From(EventInput? input) => new() { Event = input?.Event, Filters = FilterDraft.From(input?.Filters) };
}

/// <summary>The filters every query shares: event properties and the account's tier, industry and region.</summary>
public sealed class FiltersDraft
{
    public List<FilterDraft> Properties { get; set; } = [];
    public IReadOnlyCollection<string> Tiers { get; set; } = [];
    public IReadOnlyCollection<string> Industries { get; set; } = [];
    public IReadOnlyCollection<string> Regions { get; set; } = [];

    public int Count => Properties.Count(p => !string.IsNullOrWhiteSpace(p.Property)) + (Tiers.Count > 0 ? 1 : 0) + (Industries.Count > 0 ? 1 : 0) + (Regions.Count > 0 ? 1 : 0);

    public QueryFilters? ToFilters(IReadOnlyList<Guid>? sources = null)
    {
        var accounts = new List<AccountFilter>();
        if (Tiers.Count > 0) accounts.Add(new(AccountField.Tier, [.. Tiers.Order(StringComparer.Ordinal)]));
        if (Industries.Count > 0) accounts.Add(new(AccountField.Industry, [.. Industries.Order(StringComparer.Ordinal)]));
        if (Regions.Count > 0) accounts.Add(new(AccountField.Region, [.. Regions.Order(StringComparer.Ordinal)]));
        var properties = FilterDraft.ToList(Properties);
        return properties is null && accounts.Count == 0 && sources is not { Count: > 0 } ? null
            : new QueryFilters(properties, accounts.Count == 0 ? null : accounts, sources is { Count: > 0 } ? sources : null);
    }

    public static FiltersDraft From(QueryFilters? f)
    {
        IReadOnlyCollection<string> Of(AccountField field) => [.. (f?.Accounts ?? []).Where(a => a.Field == field).SelectMany(a => a.Values)];
        return new() { Properties = FilterDraft.From(f?.Properties), Tiers = Of(AccountField.Tier), Industries = Of(AccountField.Industry), Regions = Of(AccountField.Region) };
    }
}

public enum BreakdownKind { None, Property, Tier, Industry, Region }

public sealed class BreakdownDraft
{
    public BreakdownKind Kind { get; set; }
    public string? Property { get; set; }

    public Breakdown? ToBreakdown() => Kind switch
    {
        BreakdownKind.Property when !string.IsNullOrWhiteSpace(Property) => new Breakdown(Property.Trim()),
        BreakdownKind.Tier => new Breakdown(AccountField: AccountField.Tier),
        BreakdownKind.Industry => new Breakdown(AccountField: AccountField.Industry),
        BreakdownKind.Region => new Breakdown(AccountField: AccountField.Region),
        _ => null,
    };

    public static BreakdownDraft From(Breakdown? b) => b switch
    {
        { Property: { } p } => new() { Kind = BreakdownKind.Property, Property = p },
        { AccountField: AccountField.Tier } => new() { Kind = BreakdownKind.Tier },
        { AccountField: AccountField.Industry } => new() { Kind = BreakdownKind.Industry },
        { AccountField: AccountField.Region } => new() { Kind = BreakdownKind.Region },
        _ => new(),
    };
}

/// <summary>
/// A date range: the last N days (kept relative when saved, so a pinned insight always shows recent data) or two
/// fixed dates, both in the business time zone (China Standard Time), end date included.
/// </summary>
public sealed class RangeDraft
{
    public static readonly int[] Presets = [7, 30, 90];
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(Trends.LocalCalendar.DefaultTimeZone);

    /// <summary>Null: the custom dates below.</summary>
    public int? Days { get; set; } = 30;
    public DateTime? Start { get; set; }
    public DateTime? End { get; set; }

    public (DateTimeOffset From, DateTimeOffset To) Resolve(DateTimeOffset now)
    {
        if (Days is not null || Start is null || End is null) return LastDays(Days ?? 30, now);
        return (StartOf(DateOnly.FromDateTime(Start.Value)), StartOf(DateOnly.FromDateTime(End.Value).AddDays(1)));
    }

    /// <summary>From the start of the day N−1 days ago to the end of today.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) LastDays(int days, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
        return (StartOf(today.AddDays(1 - days)), StartOf(today.AddDays(1)));
    }

    public static DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateOnly LocalDay(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, Zone).DateTime);

    /// <summary>Takes a saved range: relative when it was saved relative, else the fixed dates.</summary>
    public static RangeDraft From(int? days, DateTimeOffset from, DateTimeOffset to) => days is { } d
        ? new() { Days = d }
        : new() { Days = null, Start = LocalDay(from).ToDateTime(TimeOnly.MinValue), End = LocalDay(to.AddTicks(-1)).ToDateTime(TimeOnly.MinValue) };
}
