using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;
using Pharos.Customers.Public;
using Pharos.Seeding.Demo;
using Xunit.Abstractions;

namespace Pharos.Tests.Analytics;

public sealed class DemoEventsTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static DemoEventPlan Plan(int seed = 7) => new()
    {
        SourceId = Guid.Parse("0b9c7a52-3f7e-4d1a-9a35-6a1f0e2d4c11"),
        Now = Now,
        Seed = seed,
        Accounts =
        [
            .. Enumerable.Range(0, 24).Select(i => new DemoEventAccount($"CRM-{100000 + i * 7:D6}", $"测试{i}有限公司",
                i < 2 ? Tier.S : i < 6 ? Tier.A : i < 14 ? Tier.B : Tier.C, 1000)),
        ],
    };

    // One generation shared by the checks that only read it.
    private static readonly Lazy<List<TrackedEvent>> Events = new(() => [.. DemoEvents.Generate(Plan())]);

    [Fact]
    public void The_same_plan_gives_the_same_events_and_Count_predicts_them()
    {
        var first = DemoEvents.Generate(Plan()).Take(100).Select(e => e.MessageId).ToList();
        var again = DemoEvents.Generate(Plan()).Take(100).Select(e => e.MessageId).ToList();
        var otherSeed = DemoEvents.Generate(Plan(seed: 8)).Take(100).Select(e => e.MessageId).ToList();

        Assert.Equal(first, again);
        Assert.Empty(first.Intersect(otherSeed));
        Assert.Equal(Events.Value.Count, DemoEvents.Count(Plan()));
        Assert.Equal(Events.Value.Count, Events.Value.Select(e => e.MessageId).Distinct().Count());
        Assert.Matches("^node-next-[0-9]{13}-[0-9a-f-]{36}$", Events.Value.First(e => e.Type == "track" && e.UserId is not null).MessageId);
    }

    [Fact]
    public void Events_are_Segment_shaped_within_the_window_and_under_32_KB()
    {
        var events = Events.Value;
        var from = new DateTimeOffset(2026, 8, 30, 0, 0, 0, TimeSpan.FromHours(8));
        Assert.All(events, e =>
        {
            Assert.InRange(e.Timestamp, from, Now);
            Assert.InRange(e.ReceivedAt - e.Timestamp, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.True(e.ReceivedAt <= Now);
            Assert.Equal(e.Timestamp, e.ReceivedAt - (e.SentAt!.Value - e.OriginalTimestamp!.Value));
            Assert.True(e.UserId is not null || e.AnonymousId is not null);
            using var context = JsonDocument.Parse(e.Context!);
            Assert.StartsWith("analytics", context.RootElement.GetProperty("library").GetProperty("name").GetString(), StringComparison.Ordinal);
            using var props = JsonDocument.Parse(e.Properties!);
        });
        var largest = events.Max(e => Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(e)));
        output.WriteLine($"{events.Count:N0} events; largest {largest} bytes as JSON; mean properties {events.Average(e => Encoding.UTF8.GetByteCount(e.Properties!)):N0} bytes");
        Assert.True(largest < 32 * 1024);
        foreach (var g in events.GroupBy(e => e.Type == "track" ? e.Event! : e.Type).OrderByDescending(g => g.Count()))
            output.WriteLine($"{g.Key,-24} {g.Count(),8:N0}");

        // Every user identifies and joins their account before anything else they do.
        var members = events.Where(e => e.Type == "group").ToDictionary(e => e.UserId!, e => e.GroupId!);
        Assert.All(events.Where(e => e.Type == "track" && e.UserId is not null && e.AnonymousId is null), e => Assert.StartsWith($"u-{members[e.UserId!]}-", e.UserId, StringComparison.Ordinal));
        var firstSeen = events.Where(e => e.UserId is not null).GroupBy(e => e.UserId!).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Timestamp).First());
        Assert.All(firstSeen.Values, e => Assert.True(e.Type == "identify", $"{e.UserId} began with {e.Type} {e.Event}"));
    }

    [Fact]
    public void Signed_in_users_create_reports_at_about_60_percent_and_export_at_about_40()
    {
        var (signedIn, created, exported) = Funnel(Events.Value);
        var step1 = (double)created / signedIn;
        var step2 = (double)exported / created;
        output.WriteLine($"Signed In {signedIn} → Report Created {created} ({step1:P0}) → Report Exported {exported} ({step2:P0})");
        Assert.InRange(step1, 0.5, 0.7);
        Assert.InRange(step2, 0.3, 0.5);
    }

    /// <summary>Persons who signed in, then created a report after it, then exported one after that.</summary>
    internal static (int SignedIn, int Created, int Exported) Funnel(IEnumerable<TrackedEvent> events)
    {
        int a = 0, b = 0, c = 0;
        foreach (var person in events.Where(e => e.Type == "track" && e.UserId is not null).GroupBy(e => e.UserId))
        {
            var ordered = person.OrderBy(e => e.Timestamp).ToList();
            var i = ordered.FindIndex(e => e.Event == DemoEvents.SignedIn);
            if (i < 0) continue;
            a++;
            var j = ordered.FindIndex(i, e => e.Event == DemoEvents.ReportCreated);
            if (j < 0) continue;
            b++;
            if (ordered.FindIndex(j, e => e.Event == DemoEvents.ReportExported) >= 0) c++;
        }
        return (a, b, c);
    }

    [Fact]
    public void The_declining_accounts_lose_most_weekly_users_and_the_others_do_not()
    {
        var declines = DemoEvents.Declines(Plan());
        Assert.Equal(4, declines.Count(d => !d.Stops));
        Assert.Single(declines, d => d.Stops);
        Assert.All(declines, d => Assert.NotEqual(Tier.S, d.Tier));

        var drops = WeeklyActiveDrop(Events.Value, Plan().Days);
        foreach (var (account, (early, late, drop)) in drops.OrderByDescending(x => x.Value.Drop))
            output.WriteLine($"{account} {(declines.FirstOrDefault(d => d.ExternalId == account) is { } d ? d.Stops ? "stops" : "fades" : ""),-6} WAU first 8 weeks {early:F1} → last 3 weeks {late:F1}: {drop:P0}");
        foreach (var d in declines)
        {
            if (d.Stops) Assert.Equal(0, drops[d.ExternalId].Late);
            else Assert.InRange(drops[d.ExternalId].Drop, 0.5, 0.8);
        }
        Assert.All(drops.Where(x => declines.All(d => d.ExternalId != x.Key)), x => Assert.True(x.Value.Drop < 0.35, $"{x.Key} fell {x.Value.Drop:P0}"));
    }

    /// <summary>
    /// Mean weekly active users (users who signed in, per account) in the window's first 8 weeks and its last 3,
    /// in Shanghai days.
    /// </summary>
    internal static Dictionary<string, (double Early, double Late, double Drop)> WeeklyActiveDrop(IEnumerable<TrackedEvent> events, int days)
    {
        var account = events.Where(e => e.Type == "group").ToDictionary(e => e.UserId!, e => e.GroupId!);
        var first = Now.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(-(days - 1));
        var active = events.Where(e => e.Event == DemoEvents.SignedIn)
            .Select(e => (Account: account[e.UserId!], e.UserId, Day: (e.Timestamp.ToOffset(TimeSpan.FromHours(8)).Date - first).Days))
            .ToList();
        double Weekly(IEnumerable<(string Account, string? UserId, int Day)> rows, Func<int, int> week, int weeks) =>
            rows.Select(x => (x.UserId, Week: week(x.Day))).Distinct().Count() / (double)weeks;
        return active.GroupBy(x => x.Account).ToDictionary(g => g.Key, g =>
        {
            var early = Weekly(g.Where(x => x.Day < 56), d => d / 7, 8);
            var late = Weekly(g.Where(x => x.Day >= days - 21), d => (days - 1 - d) / 7, 3);
            return (early, late, early == 0 ? 0 : 1 - late / early);
        });
    }

    [Fact]
    public void Website_visits_land_from_keywords_bounce_by_intent_and_link_to_users_who_sign_in()
    {
        var events = Events.Value;
        var pages = events.Where(e => e.Type == "page").ToList();
        Assert.All(pages, p =>
        {
            using var c = JsonDocument.Parse(p.Context!);
            Assert.Equal("analytics.js", c.RootElement.GetProperty("library").GetProperty("name").GetString());
            Assert.StartsWith("/", c.RootElement.GetProperty("page").GetProperty("path").GetString(), StringComparison.Ordinal);
        });

        // A visit: an anonymous visitor's landing page (the one with a campaign) and what follows within 30 minutes.
        var visits = new List<(string Term, int Pages, bool Clicked)>();
        foreach (var visitor in events.Where(e => e.AnonymousId is not null && e.UserId is null).GroupBy(e => e.AnonymousId))
        {
            var list = visitor.OrderBy(e => e.Timestamp).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Type != "page" || Term(list[i]) is not { } term) continue;
                var rest = list.Skip(i).TakeWhile((e, k) => k == 0 || e.Timestamp - list[i].Timestamp < TimeSpan.FromMinutes(30) && (e.Type != "page" || Term(e) is null)).ToList();
                visits.Add((term, rest.Count(e => e.Type == "page"), rest.Any(e => e.Event == DemoEvents.CtaClicked)));
            }
        }
        var byTerm = visits.GroupBy(v => v.Term).ToDictionary(g => g.Key, g => (Visits: g.Count(), Bounce: g.Average(v => v.Pages == 1 ? 1.0 : 0), Click: g.Average(v => v.Clicked ? 1.0 : 0)));
        foreach (var (term, s) in byTerm.OrderByDescending(x => x.Value.Visits)) output.WriteLine($"{term,-16} visits {s.Visits,5} bounce {s.Bounce:P0} click {s.Click:P0}");
        Assert.True(byTerm["免费 CRM"].Bounce > byTerm["客服工单系统 价格"].Bounce + 0.3);
        Assert.True(byTerm["客服工单系统 价格"].Click > byTerm["免费 CRM"].Click);

        // Users who came through the website identify with the anonymous id their earlier page views carried.
        var linking = events.Where(e => e.Type == "identify" && e.AnonymousId is not null && e.UserId is not null).ToList();
        Assert.NotEmpty(linking);
        var anonymous = pages.Where(p => p.UserId is null).Select(p => p.AnonymousId).ToHashSet();
        Assert.All(linking, e => Assert.Contains(e.AnonymousId, anonymous));
        output.WriteLine($"{linking.Count} users linked their anonymous visits; {pages.Count:N0} page views");

        static string? Term(TrackedEvent e)
        {
            using var c = JsonDocument.Parse(e.Context!);
            return c.RootElement.TryGetProperty("campaign", out var campaign) && campaign.TryGetProperty("term", out var t) ? t.GetString() : null;
        }
    }

    [Fact]
    public async Task Seeding_appends_in_chunks_to_a_DuckDB_store()
    {
        var dir = Directory.CreateTempSubdirectory("pharos-demo-events-");
        try
        {
            var path = Path.Combine(dir.FullName, "events.duckdb");
            long written;
            var clock = Stopwatch.StartNew();
            await using (var store = new DuckDbEventStore(path, 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance))
            {
                await store.InitializeAsync(CancellationToken.None);
                written = await DemoEvents.AppendAsync(store, DemoEvents.Generate(Plan()), 20_000, long.MaxValue, null, CancellationToken.None);
            }
            clock.Stop();
            output.WriteLine($"{written:N0} events in {clock.Elapsed.TotalSeconds:F1} s: {written / clock.Elapsed.TotalSeconds:N0} events/s");

            await using var conn = new DuckDBConnection($"Data Source={path}");
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT count(*), count(DISTINCT message_id) FROM events";
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(Events.Value.Count, r.GetInt64(0));
            Assert.Equal(written, r.GetInt64(1));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
