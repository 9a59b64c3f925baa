namespace Pharos.Analytics.Store;

public enum FilterOp { Equals, NotEquals, Contains, NotContains, IsSet, IsNotSet, GreaterThan, LessThan }

/// <summary>A condition on one event property (track/page/screen properties). Name and value are data, always bound as parameters.</summary>
public sealed record PropertyFilter(string Property, FilterOp Op, string? Value = null);

public enum AccountField { Tier, Industry, Region }

/// <summary>The account's field must be one of the values (accounts not in the customer book never match).</summary>
public sealed record AccountFilter(AccountField Field, IReadOnlyList<string> Values);

/// <summary>
/// Which events a step or series means: a track event by name, or <c>$pageview</c> (page calls) and <c>$screen</c>
/// (screen calls), each with optional property conditions.
/// </summary>
public sealed record EventMatcher(string Event, IReadOnlyList<PropertyFilter>? Filters = null)
{
    public const string PageView = "$pageview";
    public const string Screen = "$screen";
    /// <summary>Any track event.</summary>
    public const string AnyTrack = "$track";
    /// <summary>Any track, page or screen event: any sign of use.</summary>
    public const string Any = "$any";
}

/// <summary>What a breakdown groups by: one event property, or one field of the account.</summary>
public sealed record Breakdown(string? Property = null, AccountField? AccountField = null);

/// <summary>
/// One read of the event table. Each row carries a bit mask saying which matchers it satisfies, so a funnel's
/// steps and exclusions come back in one ordered pass.
/// </summary>
public sealed record EventScan
{
    public const int MaxMatchers = 30;
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required IReadOnlyList<EventMatcher> Matchers { get; init; }
    /// <summary>Also return track/page/screen rows that match no matcher (mask 0): strict funnels and paths need every event.</summary>
    public bool AllEvents { get; init; }
    /// <summary>Conditions every returned row must meet.</summary>
    public IReadOnlyList<PropertyFilter> Filters { get; init; } = [];
    public IReadOnlyList<AccountFilter> AccountFilters { get; init; } = [];
    public Breakdown? Breakdown { get; init; }
    /// <summary>Only events of these sources (e.g. the website's); empty means all.</summary>
    public IReadOnlyList<Guid> Sources { get; init; } = [];
    /// <summary>Only rows of this account (external id): the account page.</summary>
    public string? Account { get; init; }
    public bool OrderByPersonAndTime { get; init; }
    /// <summary>Resolve each row's account (group calls). Account filters, account breakdowns and <see cref="Account"/> imply it.</summary>
    public bool WithAccount { get; init; } = true;
    /// <summary>Whether rows carry their account: asked for, or needed by a filter, breakdown or <see cref="Account"/>.</summary>
    public bool ResolvesAccounts => WithAccount || AccountFilters.Count > 0 || Breakdown?.AccountField is not null || Account is not null;
    /// <summary>Return <see cref="ScanRow.Label"/> (event name, or the page's path); without it the label is empty.</summary>
    public bool WithLabel { get; init; } = true;
    /// <summary>
    /// Give each row's <see cref="ScanRow.Person"/> as the person's id (the user id, or the anonymous id): lists of
    /// people ask for it. Without it the person is an opaque key, which is all that counting needs and costs less.
    /// </summary>
    public bool PersonNames { get; init; }
    /// <summary>Nested fields to return with each row (<see cref="ScanRow.Extra"/>), e.g. context.campaign.term. Keys are fixed by the caller, never user input.</summary>
    public IReadOnlyList<ExtraField> Extra { get; init; } = [];
}

public enum EventColumn { Properties, Context }

/// <summary>A nested JSON field of an event, named by trusted constant keys.</summary>
public sealed record ExtraField(EventColumn Column, params string[] Keys);

/// <summary>
/// A scanned event. <see cref="Person"/> is the user id, or the anonymous id until an identify/alias call links it
/// to one (an opaque key unless the scan asked for <see cref="EventScan.PersonNames"/>); <see cref="Account"/> is the external id of the account the event counts for.
/// </summary>
public readonly record struct ScanRow(string Person, string? Account, long TimestampMicros, int Mask, string Label, string? Breakdown, string?[]? Extra = null)
{
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks(TimestampMicros * 10);
}
