using System.Net;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>A Pharos whose ingest queue holds at most 1,000 events: the smallest the settings allow.</summary>
public sealed class SmallQueueApp : PharosApp
{
    public override Pharos.Platform.Data.DatabaseProvider Provider => Pharos.Platform.Data.DatabaseProvider.Sqlite;
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Pharos:Analytics:MaxQueuedEvents", "1000")];
}

/// <summary>When the writer is behind, requests are refused with 429 and Retry-After, whole: never a silent drop.</summary>
public sealed class BackpressureTests(SmallQueueApp app) : IClassFixture<SmallQueueApp>
{
    [Fact]
    public async Task Over_the_queue_limit_requests_get_429_with_retry_after_and_what_was_acknowledged_is_all_stored()
    {
        var s = await Segment.CreateAsync(app);
        var run = Http.Unique("burst");
        // 24 concurrent batches of 400 events against a queue of 1,000: at most two wait at a time.
        var batches = Enumerable.Range(0, 24).Select(b => Enumerable.Range(0, 400)
            .Select(i => (object)Segment.Track($"{run}-{b}", "Burst", new { run, b, i })).ToArray()).ToList();
        var responses = await Task.WhenAll(batches.Select(b => s.BatchAsync(b)));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 without Retry-After"));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));

        var stored = (await s.RowsAsync("Burst")).Where(r => r.Person.StartsWith(run, StringComparison.Ordinal)).GroupBy(r => r.Person).ToDictionary(g => g.Key, g => g.Count());
        for (var b = 0; b < batches.Count; b++)
            Assert.Equal(responses[b].StatusCode == HttpStatusCode.OK ? 400 : 0, stored.GetValueOrDefault($"{run}-{b}"));

        // The refused ones, sent again as a client would after Retry-After, are stored then.
        foreach (var b in Enumerable.Range(0, batches.Count).Where(b => responses[b].StatusCode != HttpStatusCode.OK))
        {
            HttpResponseMessage again;
            while ((again = await s.BatchAsync(batches[b])).StatusCode == HttpStatusCode.TooManyRequests) await Task.Delay(200);
            await again.ExpectAsync(HttpStatusCode.OK);
        }
        Assert.Equal(24 * 400, (await s.RowsAsync("Burst")).Count(r => r.Person.StartsWith(run, StringComparison.Ordinal)));
    }
}
