using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;

namespace Pharos.Tests.Analytics;

/// <summary>
/// The DuckDB store's link table (<see cref="EventLinks"/>): identity and accounts resolve from it, so it must hold
/// exactly the stored identify, alias and group calls — written with them, once per retried call, built for an
/// older file, and rebuilt after an erasure so that no erased id survives in it.
/// </summary>
public sealed class EventLinksTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Source = Guid.Parse("00000000-0000-0000-0000-0000000000aa");
    private readonly string _dir = Directory.CreateTempSubdirectory("pharos-links-").FullName;
    private DuckDbEventStore _store = null!;

    private string File => Path.Combine(_dir, "events.duckdb");

    public async Task InitializeAsync() => _store = await OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* a failed run may still hold the file */ }
    }

    private async Task<DuckDbEventStore> OpenAsync()
    {
        var store = new DuckDbEventStore(File, 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static TrackedEvent Event(string id, string type, int minute, string? user = null, string? anon = null, string? group = null, string? name = null) => new()
    {
        MessageId = id, SourceId = Source, Type = type, Event = name, UserId = user, AnonymousId = anon, GroupId = group,
        Timestamp = T.AddMinutes(minute), ReceivedAt = T.AddMinutes(minute),
    };

    /// <summary>Two people, each first seen anonymously, then identified and grouped into an account of their own.</summary>
    private static readonly TrackedEvent[] TwoPeople =
    [
        Event("a1", "track", 0, anon: "访客-1", name: "Signed In"),
        Event("a2", "identify", 1, user: "用户-1", anon: "访客-1"),
        Event("a3", "group", 2, user: "用户-1", group: "acc-1"),
        Event("b1", "track", 0, anon: "访客-2", name: "Signed In"),
        Event("b2", "identify", 1, user: "用户-2", anon: "访客-2"),
        Event("b3", "group", 2, user: "用户-2", group: "acc-2"),
    ];

    private async Task<List<(string? Type, string? User, string? Group, long? Anon, long? Person)>> LinksAsync()
    {
        await using var conn = new DuckDBConnection($"Data Source={File}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT type, user_id, group_id, anon_key, person_key FROM links ORDER BY ts, user_id";
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<(string?, string?, string?, long?, long?)>();
        while (await r.ReadAsync())
            list.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4)));
        return list;
    }

    /// <summary>Each person's signed-in rows as (name, account).</summary>
    private async Task<List<(string Person, string? Account)>> SignInsAsync(IEventStore store)
    {
        var rows = new List<(string, string?)>();
        await foreach (var r in store.ScanAsync(new EventScan
        {
            From = T.AddDays(-1), To = T.AddDays(1), Matchers = [new("Signed In")], OrderByPersonAndTime = true, PersonNames = true,
        }, CancellationToken.None)) rows.Add((r.Person, r.Account));
        return rows;
    }

    [Fact]
    public async Task Link_calls_are_copied_with_their_events_and_a_retried_call_only_once()
    {
        await _store.AppendAsync(TwoPeople, CancellationToken.None);
        await _store.AppendAsync([TwoPeople[1], TwoPeople[2]], CancellationToken.None);

        var links = await LinksAsync();
        Assert.Equal(4, links.Count);
        Assert.Equal(["identify", "identify", "group", "group"], links.Select(l => l.Type));
        Assert.Equal(EventKeys.Of("访客-1"), links[0].Anon);
        Assert.Equal(EventKeys.Of("用户-1"), links[0].Person);
        Assert.Equal(["acc-1", "acc-2"], links.Where(l => l.Type == "group").Select(l => l.Group));
        Assert.Equal([("用户-1", "acc-1"), ("用户-2", "acc-2")], (await SignInsAsync(_store)).Order());
    }

    [Fact]
    public async Task A_file_from_before_the_link_table_gets_it_built_at_the_first_start_and_only_then()
    {
        await _store.AppendAsync(TwoPeople, CancellationToken.None);
        await _store.DisposeAsync();
        await using (var conn = new DuckDBConnection($"Data Source={File}"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "DROP TABLE links; DELETE FROM store_meta WHERE name = 'links'";
            await cmd.ExecuteNonQueryAsync();
        }

        _store = await OpenAsync();
        Assert.Equal(4, (await LinksAsync()).Count);
        Assert.Equal([("用户-1", "acc-1"), ("用户-2", "acc-2")], (await SignInsAsync(_store)).Order());

        await _store.DisposeAsync();
        _store = await OpenAsync();
        Assert.Equal(4, (await LinksAsync()).Count);
    }

    [Fact]
    public async Task An_erasure_leaves_no_link_naming_the_erased_and_keeps_everyone_elses()
    {
        await _store.AppendAsync(TwoPeople, CancellationToken.None);

        await _store.DeletePersonAsync("用户-1", CancellationToken.None);
        var links = await LinksAsync();
        Assert.DoesNotContain(links, l => l.User == "用户-1" || l.Anon == EventKeys.Of("访客-1") || l.Person == EventKeys.Of("用户-1") || l.Group == "acc-1");
        Assert.Equal(2, links.Count);
        Assert.Equal([("用户-2", "acc-2")], await SignInsAsync(_store));

        await _store.DeleteAccountAsync("acc-2", CancellationToken.None);
        Assert.Empty(await LinksAsync());
        Assert.Empty(await SignInsAsync(_store));
    }
}
