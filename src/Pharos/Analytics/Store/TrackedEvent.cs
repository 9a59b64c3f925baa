namespace Pharos.Analytics.Store;

/// <summary>
/// One Segment message as Pharos keeps it. <see cref="Timestamp"/> is the corrected time every query uses;
/// the client's own clock, its send time and the receive time are kept beside it (Segment's spec, common fields).
/// </summary>
public sealed record TrackedEvent
{
    public required string MessageId { get; init; }
    public required Guid SourceId { get; init; }
    /// <summary>track, page, screen, identify, group or alias.</summary>
    public required string Type { get; init; }
    /// <summary>The track event's name, or the page/screen name.</summary>
    public string? Event { get; init; }
    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }
    /// <summary>group: the groupId; other calls: <c>context.groupId</c> when the client sends one.</summary>
    public string? GroupId { get; init; }
    /// <summary>alias: the previous id that now means <see cref="UserId"/>.</summary>
    public string? PreviousId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public DateTimeOffset? OriginalTimestamp { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>properties (track, page, screen) or traits (identify, group), as JSON text.</summary>
    public string? Properties { get; init; }
    public string? Context { get; init; }
}

/// <summary>An account of the customer book as the event store joins it: by the external id that <c>group</c> calls carry.</summary>
public sealed record AccountDimension(string ExternalId, Guid AccountId, string Name, string Tier, string Industry, string Region);
