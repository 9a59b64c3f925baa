using System.Web;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Website;

public sealed record WebsiteFunnelQuery
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    /// <summary>The website's sources; empty means every source that sends page calls.</summary>
    public IReadOnlyList<Guid> Sources { get; init; } = [];
    /// <summary>The track event that counts as a click (e.g. "CTA Clicked"); empty means any track event.</summary>
    public string? ClickEvent { get; init; }
    public int Top { get; init; } = 20;
}

/// <summary>One row of a breakdown: visits that came this way, and what they did.</summary>
public sealed record WebsiteRow(string Key, int Sessions, int Clicked, int Bounced, string TopLandingPage)
{
    public double ClickRate => Sessions == 0 ? 0 : (double)Clicked / Sessions;
    public double BounceRate => Sessions == 0 ? 0 : (double)Bounced / Sessions;
}

public sealed record WebsiteFlow(string Keyword, string LandingPage, string Outcome, int Sessions);

public sealed record WebsiteFunnelResult(int Sessions, int Clicked, int Bounced, IReadOnlyList<WebsiteRow> Keywords, IReadOnlyList<WebsiteRow> Channels,
    IReadOnlyList<WebsiteRow> Campaigns, IReadOnlyList<WebsiteRow> LandingPages, IReadOnlyList<WebsiteFlow> Flows);

/// <summary>
/// DOMAIN.md §6, the website's funnel: search keyword → landing page → click → bounce. A visit (session) is a person's
/// page and track events with no gap over 30 minutes, starting at a page view (its landing page). The keyword is the
/// landing page's UTM term (context.campaign.term), else the search query in its referrer (Baidu wd/word, Sogou query,
/// 360/Bing/Google q). A visit clicked when it holds the click event; it bounced when it saw one page and clicked nothing.
/// </summary>
internal static class WebsiteFunnel
{
    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);
    public const string None = "(none)";
    public const string Direct = "(direct)";

    public static async Task<WebsiteFunnelResult> RunAsync(IEventStore store, WebsiteFunnelQuery q, CancellationToken ct)
    {
        var click = string.IsNullOrWhiteSpace(q.ClickEvent) ? new EventMatcher(EventMatcher.AnyTrack) : new EventMatcher(q.ClickEvent.Trim());
        var scan = new EventScan
        {
            From = q.From, To = q.To, Matchers = [new EventMatcher(EventMatcher.PageView), click], Sources = q.Sources, OrderByPersonAndTime = true,
            Extra = [new(EventColumn.Context, "campaign", "term"), new(EventColumn.Context, "campaign", "source"), new(EventColumn.Context, "campaign", "name"),
                     new(EventColumn.Properties, "referrer"), new(EventColumn.Context, "page", "referrer")],
        };
        var sessions = new List<Visit>();
        Visit? current = null;
        string? person = null;
        long lastAt = 0;
        var gap = (long)SessionGap.TotalMicroseconds;
        await foreach (var r in store.ScanAsync(scan, ct))
        {
            var samePerson = person is not null && string.Equals(person, r.Person, StringComparison.Ordinal);
            if (!samePerson || r.TimestampMicros - lastAt > gap) current = null;
            person = r.Person;
            lastAt = r.TimestampMicros;
            var isPage = (r.Mask & 1) != 0;
            if (current is null)
            {
                if (!isPage) continue; // a visit starts at a landing page; product events alone are no website visit
                var referrer = r.Extra![3] ?? r.Extra[4];
                current = new Visit(r.Label, Keyword(r.Extra[0], referrer), Channel(r.Extra[1], referrer), r.Extra[2] ?? None);
                sessions.Add(current);
            }
            if (isPage) current.Pages++;
            if ((r.Mask & 2) != 0) current.Clicked = true;
        }
        int Bounced(IEnumerable<Visit> v) => v.Count(x => x.Bounced);
        List<WebsiteRow> By(Func<Visit, string> key) => [.. sessions.GroupBy(key).Select(g => new WebsiteRow(g.Key, g.Count(), g.Count(v => v.Clicked), Bounced(g),
                g.GroupBy(v => v.Landing).OrderByDescending(l => l.Count()).ThenBy(l => l.Key, StringComparer.Ordinal).First().Key))
            .OrderByDescending(r => r.Sessions).ThenBy(r => r.Key, StringComparer.Ordinal).Take(q.Top)];
        var topKeywords = By(v => v.Keyword).Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        var flows = sessions.GroupBy(v => (Keyword: topKeywords.Contains(v.Keyword) ? v.Keyword : "(other)", v.Landing, Outcome: v.Clicked ? "clicked" : v.Bounced ? "bounced" : "browsed"))
            .Select(g => new WebsiteFlow(g.Key.Keyword, g.Key.Landing, g.Key.Outcome, g.Count()))
            .OrderByDescending(f => f.Sessions).ThenBy(f => f.Keyword, StringComparer.Ordinal).ThenBy(f => f.LandingPage, StringComparer.Ordinal).Take(200).ToList();
        return new WebsiteFunnelResult(sessions.Count, sessions.Count(v => v.Clicked), Bounced(sessions), By(v => v.Keyword), By(v => v.Channel), By(v => v.Campaign),
            By(v => v.Landing), flows);
    }

    public static string Keyword(string? term, string? referrer)
    {
        if (!string.IsNullOrWhiteSpace(term)) return term.Trim();
        if (!Uri.TryCreate(referrer, UriKind.Absolute, out var uri)) return None;
        var query = HttpUtility.ParseQueryString(uri.Query);
        var host = uri.Host;
        string? found = host.Contains("baidu.", StringComparison.OrdinalIgnoreCase) ? query["wd"] ?? query["word"]
            : host.Contains("sogou.", StringComparison.OrdinalIgnoreCase) ? query["query"]
            : host.Contains("so.com", StringComparison.OrdinalIgnoreCase) || host.Contains("bing.", StringComparison.OrdinalIgnoreCase) || host.Contains("google.", StringComparison.OrdinalIgnoreCase) ? query["q"]
            : null;
        return string.IsNullOrWhiteSpace(found) ? None : found.Trim();
    }

    public static string Channel(string? utmSource, string? referrer) =>
        !string.IsNullOrWhiteSpace(utmSource) ? utmSource.Trim()
        : Uri.TryCreate(referrer, UriKind.Absolute, out var uri) ? uri.Host
        : Direct;

    private sealed class Visit(string landing, string keyword, string channel, string campaign)
    {
        public string Landing { get; } = landing;
        public string Keyword { get; } = keyword;
        public string Channel { get; } = channel;
        public string Campaign { get; } = campaign;
        public int Pages { get; set; }
        public bool Clicked { get; set; }
        public bool Bounced => Pages <= 1 && !Clicked;
    }
}
