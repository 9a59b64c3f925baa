using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;

namespace Pharos.Tests.Analytics;

/// <summary>
/// The DuckDB store reads result chunks in place (DuckDbChunks): every row and column arrives as written, across
/// chunk boundaries, and a cancelled scan ends with an exception, never as a shorter result.
/// </summary>
public sealed class DuckDbScanTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private const int People = 700, PerPerson = 9; // 6,300 rows: several 2,048-row chunks
    private readonly string _dir = Directory.CreateTempSubdirectory("pharos-scan-").FullName;
    private DuckDbEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new DuckDbEventStore(Path.Combine(_dir, "events.duckdb"), 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
        var source = Guid.CreateVersion7();
        var events = new List<TrackedEvent>();
        for (var p = 0; p < People; p++)
            for (var i = 0; i < PerPerson; i++)
                events.Add(new TrackedEvent
                {
                    MessageId = $"m-{p}-{i}", SourceId = source, Type = "track", Event = i % 3 == 0 ? "Signed In" : "Report Created",
                    // Long ids (not inlined in DuckDB's 12-byte strings), short ones, and non-ASCII ones.
                    UserId = Name(p),
                    Properties = $$"""{"plan":"{{(p % 2 == 0 ? "企业版" : "pro")}}","n":{{i}}}""",
                    Timestamp = T.AddMinutes(p + i * 1000), ReceivedAt = T,
                });
        await _store.AppendAsync(events, CancellationToken.None);
    }

    private static string Name(int p) => p % 3 == 0 ? $"用户-{p}" : p % 3 == 1 ? $"u{p}" : $"a-rather-long-user-id-number-{p}";

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }

    private EventScan Scan => new()
    {
        From = T.AddDays(-1), To = T.AddDays(30), Matchers = [new("Signed In"), new("Report Created")],
        OrderByPersonAndTime = true, PersonNames = true, WithLabel = true, Breakdown = new Breakdown(Property: "plan"),
    };

    [Fact]
    public async Task Every_row_arrives_across_chunks_with_its_person_time_mask_label_and_breakdown()
    {
        var rows = new List<ScanRow>();
        await foreach (var r in _store.ScanAsync(Scan, CancellationToken.None)) rows.Add(r);

        Assert.Equal(People * PerPerson, rows.Count);
        var byPerson = rows.GroupBy(r => r.Person).ToList();
        var people = Enumerable.Range(0, People).ToDictionary(Name);
        Assert.Equal(people.Keys.Order(StringComparer.Ordinal), byPerson.Select(g => g.Key).Order(StringComparer.Ordinal));
        foreach (var g in byPerson)
        {
            var p = people[g.Key];
            Assert.Equal(Enumerable.Range(0, PerPerson).Select(i => AnalyticsRows.Micros(T.AddMinutes(p + i * 1000))), g.Select(r => r.TimestampMicros));
            Assert.Equal(Enumerable.Range(0, PerPerson).Select(i => i % 3 == 0 ? 1 : 2), g.Select(r => r.Mask));
            Assert.Equal(Enumerable.Range(0, PerPerson).Select(i => i % 3 == 0 ? "Signed In" : "Report Created"), g.Select(r => r.Label));
            Assert.All(g, r => Assert.Equal(p % 2 == 0 ? "企业版" : "pro", r.Breakdown));
            Assert.All(g, r => Assert.Null(r.Account));
        }
    }

    [Fact]
    public async Task A_scan_cancelled_midway_throws_instead_of_ending_short()
    {
        using var cts = new CancellationTokenSource();
        var read = 0;
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _store.ScanAsync(Scan, cts.Token))
                if (++read == 1) await cts.CancelAsync();
        });
        Assert.True(read < People * PerPerson, $"read {read} rows");
        Assert.Equal(cts.Token, e.CancellationToken);
    }
}
