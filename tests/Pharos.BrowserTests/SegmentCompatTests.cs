using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Pharos.BrowserTests;

/// <summary>
/// Segment's own libraries, unmodified and pinned (tests/compat/package.json), sending to the shared Pharos process:
/// the promise of /v1/* is that a customer changes one host name and nothing else.
/// Checks go through the staff API. It counts track events per name and lists property names; the erasure API
/// is the one that counts a person's or an account's events, so it is what proves the user ids and the group
/// call's account link were stored (research §3 describes what each client sends).
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class SegmentCompatTests(PharosAppFixture app, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [CompatFact]
    public async Task Analytics_node_delivers_identify_group_and_track_calls_once_each_with_their_users_properties_and_account()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var api = await app.AdminApiAsync();
        // An account of its own, so that erasing "every event of this account" below can only count this test's events.
        var externalId = $"COMPAT-{run}";
        var account = await ReadAsync(await api.PostAsJsonAsync("/api/accounts",
            new { name = $"Compat 测试客户 {run}", externalId, industry = "制造", region = "华东" }), HttpStatusCode.Created);
        var accountId = account.GetProperty("id").GetGuid();
        var writeKey = await CreateSourceAsync(api, $"compat node {run}");

        const int Tracks = 45;
        var clock = Stopwatch.StartNew();
        var stdout = await CompatPackages.RunNodeAsync("send-node.mjs", new Dictionary<string, string>
        {
            ["PHAROS_HOST"] = app.BaseUrl.ToString().TrimEnd('/'), ["WRITE_KEY"] = writeKey, ["RUN_ID"] = run,
            ["GROUP_ID"] = externalId, ["TRACKS"] = Tracks.ToString(),
        }, TimeSpan.FromSeconds(60));
        output.WriteLine($"analytics-node finished in {clock.ElapsedMilliseconds} ms");
        var sent = JsonSerializer.Deserialize<NodeRun>(stdout.Trim().Split('\n')[^1], Web)!;
        foreach (var x in sent.Exchanges) output.WriteLine(x.Kind == "request" ? $"→ POST {x.Url} {JsonSerializer.Serialize(x.Headers)} {x.Bytes} B" : $"← {x.Status} {x.StatusText}");

        // What the client says: all delivered, each in a batch POST that Pharos answered 200.
        Assert.Empty(sent.Failed);
        Assert.Empty(sent.Errors);
        Assert.Equal(3 * 2 + Tracks, sent.Messages.Count);
        Assert.Equal(sent.Messages.Select(m => m.MessageId).Order(), sent.Delivered.Order());
        Assert.Equal(sent.Messages.Count, sent.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(sent.Messages, m => Assert.StartsWith("node-next-", m.MessageId));
        Assert.All(sent.Exchanges.Where(x => x.Kind == "request"), x => Assert.Equal(new Uri(app.BaseUrl, "/v1/batch").ToString(), x.Url));
        Assert.All(sent.Exchanges.Where(x => x.Kind == "response"), x => Assert.Equal(200, x.Status));
        Assert.True(sent.Exchanges.Count(x => x.Kind == "request") >= 3, "flushAt 20 should have split the 51 messages into at least 3 batches");

        // What Pharos stored: each track once (counts per name), with its properties.
        var expected = sent.Events.ToDictionary(e => e, e => (long)sent.Messages.Count(m => m.Type == "track" && m.Event == e));
        var counts = await PollEventCountsAsync(api, expected);
        Assert.Equal(expected, counts);
        foreach (var e in sent.Events)
        {
            var names = await api.GetFromJsonAsync<List<string>>($"/api/analytics/properties?days=1&event={Uri.EscapeDataString(e)}");
            Assert.Superset(new HashSet<string>(["seq", "run", "format", "label"]), names!.ToHashSet());
        }

        // Each user's identify, group and tracks, under that userId: erasing the first user removes exactly those.
        var firstUser = sent.Users[0];
        var ofFirstUser = sent.Messages.Count(m => m.UserId == firstUser);
        Assert.Equal((long)ofFirstUser, await EraseAsync(api, new { person = firstUser }));
        // The group calls linked the other users to the account by its external id: erasing the account removes the rest.
        Assert.Equal((long)(sent.Messages.Count - ofFirstUser), await EraseAsync(api, new { accountId }));
        var after = await api.GetFromJsonAsync<List<EventCount>>("/api/analytics/events?days=1");
        Assert.DoesNotContain(after!, c => sent.Events.Contains(c.Name));
    }

    [CompatFact]
    public async Task Analytics_next_on_another_origin_delivers_a_page_view_and_a_click_through_CORS()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var api = await app.AdminApiAsync();
        var writeKey = await CreateSourceAsync(api, $"compat browser {run}");
        await using var site = await CustomerSite.OpenAsync(app, writeKey, output);
        var page = site.Page;
        try
        {
            var pageView = page.WaitForResponseAsync(r => r.Url == new Uri(app.BaseUrl, "/v1/p").ToString(), new() { Timeout = 20_000 });
            await page.GotoAsync(site.Origin.ToString());
            var pageResponse = await pageView;
            Assert.Equal(200, pageResponse.Status);
            var pageBody = JsonDocument.Parse(pageResponse.Request.PostData!).RootElement;
            Assert.Equal("page", pageBody.GetProperty("type").GetString());

            var click = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#cta"), r => r.Url == new Uri(app.BaseUrl, "/v1/t").ToString(), new() { Timeout = 20_000 });
            Assert.Equal(200, click.Status);
            var clickBody = JsonDocument.Parse(click.Request.PostData!).RootElement;
            Assert.Equal("CTA Clicked", clickBody.GetProperty("event").GetString());
            Assert.Equal("申请试用", clickBody.GetProperty("properties").GetProperty("cta").GetString());
            var anonymousId = clickBody.GetProperty("anonymousId").GetString()!;
            Assert.Equal(anonymousId, pageBody.GetProperty("anonymousId").GetString());

            // Stored: the click under its name with its property; the page view shows as the person's second event.
            var counts = await PollEventCountsAsync(api, new Dictionary<string, long> { ["CTA Clicked"] = 1 });
            Assert.Equal(1L, counts["CTA Clicked"]);
            var names = await api.GetFromJsonAsync<List<string>>("/api/analytics/properties?days=1&event=CTA%20Clicked");
            Assert.Contains("cta", names!);
            Assert.Equal(2L, await EraseAsync(api, new { person = anonymousId }));
        }
        finally
        {
            await site.LogAsync("segment-analytics-next");
        }
        Assert.Empty(site.Elsewhere);
        Assert.DoesNotContain(site.ToPharos, l => l.StartsWith("FAILED", StringComparison.Ordinal));
    }

    /// <summary>
    /// analytics-next also posts its own usage counters (analytics_js.invoke per call) to {apiHost}/m, i.e. /v1/m,
    /// as text/plain without credentials, every 30 s (RemoteMetrics in core/stats/remote-metrics.ts; sampleRate 1
    /// unless the CDN settings lower it). On a customer's site that post must not turn into a CORS error in the
    /// console. The flush timer is shortened here so the test need not wait 30 s; the request is the same.
    /// </summary>
    [CompatFact]
    public async Task Analytics_next_telemetry_post_to_v1_m_is_answered_so_a_customer_page_logs_no_error()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var api = await app.AdminApiAsync();
        var writeKey = await CreateSourceAsync(api, $"compat telemetry {run}");
        await using var site = await CustomerSite.OpenAsync(app, writeKey, output, metricsFlushMilliseconds: 300);
        var metrics = new Uri(app.BaseUrl, "/v1/m").ToString();
        site.Page.Request += (_, r) =>
        {
            if (r.Url == metrics) output.WriteLine($"sent: {r.Method} {r.Url} {JsonSerializer.Serialize(r.Headers)} {r.PostData}");
        };
        try
        {
            await site.Page.GotoAsync(site.Origin.ToString());
            var clock = Stopwatch.StartNew();
            while (!site.ToPharos.Any(l => l.Contains(metrics, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(15))
                await Task.Delay(100);
        }
        finally
        {
            await site.LogAsync("segment-analytics-next-telemetry");
        }
        // The 300 ms flush may fire again as the page closes; that late post is aborted by the browser, not refused.
        var line = site.ToPharos.First(l => l.Contains(metrics, StringComparison.Ordinal));
        Assert.DoesNotContain("FAILED", line, StringComparison.Ordinal);
        Assert.Matches(@"→ 2\d\d", line);
        Assert.Empty(site.ConsoleErrors);
    }

    /// <summary>
    /// A customer's page on its own origin that loads analytics-next's UMD build and points it at Pharos, in a fresh
    /// browser context that records what went to Pharos and refuses anything bound elsewhere.
    /// </summary>
    private sealed class CustomerSite : IAsyncDisposable
    {
        private readonly StaticSite _site;
        private readonly IBrowserContext _context;
        private readonly PharosAppFixture _app;
        private readonly ITestOutputHelper _output;

        private CustomerSite(StaticSite site, IBrowserContext context, IPage page, PharosAppFixture app, ITestOutputHelper output)
        {
            _site = site;
            _context = context;
            Page = page;
            _app = app;
            _output = output;
        }

        public IPage Page { get; }
        public Uri Origin => _site.Origin;
        /// <summary>Requests to anywhere but the site and Pharos; refused, since nothing may leave the machine.</summary>
        public ConcurrentQueue<string> Elsewhere { get; } = new();
        /// <summary>Every answer Pharos gave the page, and every request to it that failed (CORS, network).</summary>
        public ConcurrentQueue<string> ToPharos { get; } = new();
        public ConcurrentQueue<string> ConsoleErrors { get; } = new();

        public static async Task<CustomerSite> OpenAsync(PharosAppFixture app, string writeKey, ITestOutputHelper output, int? metricsFlushMilliseconds = null)
        {
            CompatPackages.EnsureInstalled();
            var site = new StaticSite(Html(writeKey, $"{app.BaseUrl.Authority}/v1", metricsFlushMilliseconds), "/analytics-next/bundles/", CompatPackages.AnalyticsNextUmd);
            Assert.NotEqual(site.Origin.Authority, app.BaseUrl.Authority);
            var context = await app.Browser.NewContextAsync(new() { Locale = "zh-CN" });
            var page = await context.NewPageAsync();
            var s = new CustomerSite(site, context, page, app, output);
            await context.RouteAsync("**/*", async route =>
            {
                var url = new Uri(route.Request.Url);
                if (url.Authority == site.Origin.Authority || url.Authority == app.BaseUrl.Authority) await route.ContinueAsync();
                else
                {
                    s.Elsewhere.Enqueue($"{route.Request.Method} {route.Request.Url}");
                    await route.AbortAsync();
                }
            });
            page.Console += (_, m) =>
            {
                output.WriteLine($"console.{m.Type}: {m.Text}");
                if (m.Type == "error") s.ConsoleErrors.Enqueue(m.Text);
            };
            page.PageError += (_, e) => s.ConsoleErrors.Enqueue($"page error: {e}");
            page.RequestFailed += (_, r) => s.ToPharos.Enqueue($"FAILED {r.Method} {r.Url}: {r.Failure}");
            page.Response += (_, r) =>
            {
                if (new Uri(r.Url).Authority == app.BaseUrl.Authority)
                    s.ToPharos.Enqueue($"{r.Request.Method} {r.Url} Content-Type: {r.Request.Headers.GetValueOrDefault("content-type")} → {r.Status} {r.StatusText}");
            };
            return s;
        }

        public async Task LogAsync(string screenshot)
        {
            foreach (var line in _site.Requests) _output.WriteLine($"site: {line}");
            foreach (var line in ToPharos) _output.WriteLine($"pharos: {line}");
            foreach (var line in Elsewhere) _output.WriteLine($"blocked: {line}");
            _output.WriteLine(await _app.ScreenshotAsync(Page, screenshot));
        }

        public async ValueTask DisposeAsync()
        {
            await _context.DisposeAsync();
            _site.Dispose();
        }

        /// <summary>
        /// Pointed at Pharos as research §3 says: cdnSettings given inline, so no settings are fetched; apiHost and
        /// protocol 'http' for Segment.io; and window.analytics._cdn set before the script, which is where the UMD
        /// build takes its public path for lazy chunks (browser-umd.ts), otherwise Segment's CDN.
        /// </summary>
        private static string Html(string writeKey, string apiHost, int? metricsFlushMilliseconds)
        {
            var config = JsonSerializer.Serialize(new { writeKey, apiHost, metrics = metricsFlushMilliseconds is { } ms ? new { flushTimer = ms } : null });
            return $$"""
                <!doctype html>
                <html lang="zh-CN"><head><meta charset="utf-8"><title>Pharos 官网</title>
                <script>
                  window.analytics = { _cdn: location.origin };
                  window.compatConfig = {{config}};
                </script>
                <script src="/analytics-next/bundles/index.js"></script>
                </head><body>
                <h1>Pharos 客户运营平台</h1>
                <button id="cta" disabled>申请试用</button>
                <script>
                  (async () => {
                    const { writeKey, apiHost, metrics } = window.compatConfig;
                    const cdnSettings = { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } } };
                    if (metrics) cdnSettings.metrics = metrics;
                    const [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
                      { writeKey, cdnURL: location.origin, cdnSettings },
                      { integrations: { 'Segment.io': { apiHost, protocol: 'http' } } });
                    window.compat = { analytics };
                    analytics.page();
                    const cta = document.getElementById('cta');
                    cta.addEventListener('click', () => analytics.track('CTA Clicked', { cta: '申请试用' }));
                    cta.disabled = false;
                  })().catch((e) => { document.title = 'failed: ' + e; console.error(e); });
                </script>
                </body></html>
                """;
        }
    }

    private static async Task<string> CreateSourceAsync(HttpClient api, string name) =>
        (await ReadAsync(await api.PostAsJsonAsync("/api/analytics/sources", new { name }), HttpStatusCode.Created)).GetProperty("writeKey").GetString()!;

    private static async Task<long> EraseAsync(HttpClient api, object input) =>
        (await ReadAsync(await api.PostAsJsonAsync("/api/analytics/erasures", input), HttpStatusCode.OK)).GetProperty("deleted").GetInt64();

    /// <summary>
    /// Polls the event names until each expected name has at least its count (a 200 means committed, but a few seconds'
    /// grace keeps the test honest about what it checks: the final counts, compared exactly by the caller).
    /// </summary>
    private static async Task<Dictionary<string, long>> PollEventCountsAsync(HttpClient api, IReadOnlyDictionary<string, long> expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var list = await api.GetFromJsonAsync<List<EventCount>>("/api/analytics/events?days=1");
            var counts = expected.Keys.ToDictionary(k => k, k => list!.FirstOrDefault(c => c.Name == k)?.Count ?? 0);
            if (expected.All(e => counts[e.Key] >= e.Value) || deadline.Elapsed > TimeSpan.FromSeconds(5)) return counts;
            await Task.Delay(250);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private sealed record EventCount(string Name, long Count);

    private sealed record NodeRun(List<string> Users, List<string> Events, List<NodeMessage> Messages, List<string> Delivered,
        List<JsonElement> Failed, List<JsonElement> Errors, List<NodeExchange> Exchanges);

    private sealed record NodeMessage(string Type, string MessageId, string? UserId, string? Event);

    private sealed record NodeExchange(string Kind, string Url, Dictionary<string, string>? Headers, int? Bytes, int? Status, string? StatusText);
}
