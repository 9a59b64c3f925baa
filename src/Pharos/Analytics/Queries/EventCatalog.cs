using Pharos.Analytics.Store;

namespace Pharos.Analytics.Queries;

/// <summary>
/// The event and property names the builders offer, read once per circuit (scoped) and kept a few minutes: the
/// pickers ask on every keystroke, and the names change slowly.
/// </summary>
internal sealed class EventCatalog(IEventStore store, TimeProvider time)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);
    private const int LookBackDays = 90;
    private (DateTimeOffset At, IReadOnlyList<string> Names)? _events;
    private readonly Dictionary<string, (DateTimeOffset At, IReadOnlyList<string> Names)> _properties = new(StringComparer.Ordinal);

    /// <summary>Track events, most frequent first, then page views and screens.</summary>
    public async Task<IReadOnlyList<string>> EventNamesAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_events is { } hit && now - hit.At < KeepFor) return hit.Names;
        var names = await store.EventNamesAsync(now.AddDays(-LookBackDays), 500, ct);
        IReadOnlyList<string> list = [.. names.Select(n => n.Name), EventMatcher.PageView, EventMatcher.Screen];
        _events = (now, list);
        return list;
    }

    /// <summary>Property names seen on the event, or on any event when it is empty.</summary>
    public async Task<IReadOnlyList<string>> PropertyNamesAsync(string? eventName, CancellationToken ct)
    {
        var key = string.IsNullOrWhiteSpace(eventName) ? "" : eventName.Trim();
        var now = time.GetUtcNow();
        if (_properties.TryGetValue(key, out var hit) && now - hit.At < KeepFor) return hit.Names;
        var names = await store.PropertyNamesAsync(key.Length == 0 ? null : key, now.AddDays(-LookBackDays), 200, ct);
        _properties[key] = (now, names);
        return names;
    }

    public static IEnumerable<string> Match(IReadOnlyList<string> names, string? text) =>
        string.IsNullOrWhiteSpace(text) ? names.Take(50) : names.Where(n => n.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)).Take(50);
}
