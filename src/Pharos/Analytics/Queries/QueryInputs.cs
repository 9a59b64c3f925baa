using Pharos.Analytics.Store;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

/// <summary>An event as a step or series of a query: a track event's name, or $pageview / $screen, with property conditions.</summary>
public sealed record EventInput(string? Event, IReadOnlyList<PropertyFilter>? Filters = null);

/// <summary>The filters every query shares: event property conditions on every event, and account fields (tier, industry, region).</summary>
public sealed record QueryFilters(IReadOnlyList<PropertyFilter>? Properties = null, IReadOnlyList<AccountFilter>? Accounts = null, IReadOnlyList<Guid>? Sources = null);

/// <summary>The matchers of one scan: identical events share an index, so "the same event twice" is one matcher used twice.</summary>
internal sealed class MatcherSet
{
    public const int MaxEvents = 30;
    private readonly List<EventMatcher> _matchers = [];
    private readonly List<string> _keys = [];

    public IReadOnlyList<EventMatcher> Matchers => _matchers;

    public int Add(EventInput? input, string field)
    {
        var name = input?.Event?.Trim();
        if (string.IsNullOrEmpty(name)) throw RuleViolation.BadField(field, "Choose an event.");
        if (name.Length > 200) throw RuleViolation.BadField(field, "An event name has at most 200 characters.");
        QueryRunner.CheckFilters(input!.Filters, field);
        var key = name + "\u001f" + string.Join("\u001e", (input.Filters ?? []).Select(f => $"{f.Property}\u001d{f.Op}\u001d{f.Value}"));
        var i = _keys.IndexOf(key);
        if (i >= 0) return i;
        if (_matchers.Count == MaxEvents) throw RuleViolation.BadField(field, "A query uses at most 30 different events.");
        _keys.Add(key);
        _matchers.Add(new EventMatcher(name, input.Filters ?? []));
        return _matchers.Count - 1;
    }

    public EventScan Scan(DateTimeOffset from, DateTimeOffset to, QueryFilters? filters, Breakdown? breakdown = null, bool allEvents = false, bool ordered = true,
        bool withAccount = true, bool withLabel = true)
    {
        QueryRunner.CheckFilters(filters?.Properties, "filters");
        foreach (var a in filters?.Accounts ?? [])
            if (a.Values is null || a.Values.Count is 0 or > 100) throw RuleViolation.BadField("accounts", "An account filter lists 1 to 100 values.");
        if (breakdown is { Property: { } p } && (p.Length is 0 or > 200)) throw RuleViolation.BadField("breakdown", "A property name has 1 to 200 characters.");
        return new EventScan
        {
            From = from, To = to, Matchers = _matchers, AllEvents = allEvents, OrderByPersonAndTime = ordered, WithAccount = withAccount, WithLabel = withLabel,
            Filters = filters?.Properties ?? [], AccountFilters = filters?.Accounts ?? [], Sources = filters?.Sources ?? [],
            Breakdown = breakdown is { Property: null, AccountField: null } ? null : breakdown,
        };
    }
}
