using System.Data.Common;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pharos.Analytics.Store;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>
/// A store written before events had key columns: the first start fills them, and identity, accounts and event
/// names resolve on the filled keys exactly as on keys written with the events; events sent afterwards join up.
/// </summary>
public abstract class KeyBackfillTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 10, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The table as the store made it before the keys: the fourteen columns of the first release.</summary>
    protected const string OldColumns = "message_id, source_id, type, event, user_id, anonymous_id, group_id, previous_id, ts, original_ts, sent_at, received_at, properties, context";

    protected static readonly string[] OldRows =
    [
        "'m1', '00000000-0000-0000-0000-000000000001', 'track', 'Signed In', NULL, 'anon-1', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:00:00+00', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:00:00+00', NULL, NULL",
        "'m2', '00000000-0000-0000-0000-000000000001', 'identify', NULL, '用户-1', 'anon-1', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:05:00+00', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:05:00+00', NULL, NULL",
        "'m3', '00000000-0000-0000-0000-000000000001', 'track', 'Report Created', '用户-1', 'anon-1', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:10:00+00', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:10:00+00', NULL, NULL",
        "'m4', '00000000-0000-0000-0000-000000000001', 'group', NULL, '用户-1', NULL, 'acc-1', NULL, TIMESTAMPTZ '2026-01-10 08:06:00+00', NULL, NULL, TIMESTAMPTZ '2026-01-10 08:06:00+00', NULL, NULL",
        "'m5', '00000000-0000-0000-0000-000000000001', 'track', 'Signed In', 'u-2', NULL, NULL, NULL, TIMESTAMPTZ '2026-01-10 09:00:00+00', NULL, NULL, TIMESTAMPTZ '2026-01-10 09:00:00+00', NULL, NULL",
    ];

    protected abstract Task<IEventStore> OldStoreAsync();
    protected abstract Task<long> MarkersAsync();

    [DbFact]
    public async Task Events_stored_before_the_key_columns_get_keys_on_the_first_start_and_resolve_as_new_ones_do()
    {
        await using var store = await OldStoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(1, await MarkersAsync());

        // A later event of the same anonymous visitor, written with keys, joins the backfilled identify call.
        await store.AppendAsync([new TrackedEvent
        {
            MessageId = "m6", SourceId = Guid.Parse("00000000-0000-0000-0000-000000000001"), Type = "track", Event = "Report Created",
            AnonymousId = "anon-1", Timestamp = T.AddHours(2), ReceivedAt = T.AddHours(2),
        }], CancellationToken.None);

        var rows = new List<ScanRow>();
        await foreach (var r in store.ScanAsync(new EventScan
        {
            From = T.AddDays(-1), To = T.AddDays(1), Matchers = [new("Signed In"), new("Report Created")],
            OrderByPersonAndTime = true, PersonNames = true, WithAccount = true,
        }, CancellationToken.None)) rows.Add(r);

        var byPerson = rows.GroupBy(r => r.Person).ToDictionary(g => g.Key, g => g.Select(r => (r.Mask, r.Account)).ToList());
        Assert.Equal(["u-2", "用户-1"], byPerson.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(1, "acc-1"), (2, "acc-1"), (2, "acc-1")], byPerson["用户-1"]);
        Assert.Equal([(1, (string?)null)], byPerson["u-2"]);

        // A second start finds the marker and leaves the keys as they are.
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(1, await MarkersAsync());
    }

    protected static async Task ExecAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    public sealed class DuckDb : KeyBackfillTests, IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("pharos-keys-").FullName;
        private string File => Path.Combine(_dir, "events.duckdb");

        protected override async Task<IEventStore> OldStoreAsync()
        {
            await using (var conn = new DuckDBConnection($"Data Source={File}"))
            {
                await conn.OpenAsync();
                await ExecAsync(conn, """
                    CREATE TABLE events (
                      message_id VARCHAR NOT NULL, source_id UUID NOT NULL, type VARCHAR NOT NULL, event VARCHAR,
                      user_id VARCHAR, anonymous_id VARCHAR, group_id VARCHAR, previous_id VARCHAR,
                      ts TIMESTAMPTZ NOT NULL, original_ts TIMESTAMPTZ, sent_at TIMESTAMPTZ, received_at TIMESTAMPTZ NOT NULL,
                      properties JSON, context JSON)
                    """);
                foreach (var row in OldRows) await ExecAsync(conn, $"INSERT INTO events ({OldColumns}) VALUES ({row})");
            }
            return new DuckDbEventStore(File, 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance);
        }

        protected override async Task<long> MarkersAsync()
        {
            await using var conn = new DuckDBConnection($"Data Source={File}");
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM store_meta WHERE name = 'event_keys'";
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { /* the store may still hold the file on a failed run */ }
        }
    }

    public sealed class Postgres : KeyBackfillTests, IPostgresSuite, IAsyncLifetime
    {
        private string _cs = "";

        public async Task InitializeAsync()
        {
            if (!TestDatabases.PostgresSkipped) _cs = await TestDatabases.CreatePostgresDatabaseAsync();
        }

        public async Task DisposeAsync()
        {
            if (_cs.Length > 0) await TestDatabases.DropPostgresDatabaseAsync(_cs);
        }

        protected override async Task<IEventStore> OldStoreAsync()
        {
            await using (var conn = new NpgsqlConnection(_cs))
            {
                await conn.OpenAsync();
                await ExecAsync(conn, """
                    CREATE SCHEMA analytics;
                    CREATE TABLE analytics.events (
                      message_id text NOT NULL, source_id uuid NOT NULL, type text NOT NULL, event text,
                      user_id text, anonymous_id text, group_id text, previous_id text,
                      ts timestamptz NOT NULL, original_ts timestamptz, sent_at timestamptz, received_at timestamptz NOT NULL,
                      properties jsonb, context jsonb) PARTITION BY RANGE (ts);
                    CREATE TABLE analytics.events_y2026m01 PARTITION OF analytics.events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                    CREATE INDEX events_ts_event ON analytics.events (ts, event);
                    """);
                foreach (var row in OldRows) await ExecAsync(conn, $"INSERT INTO analytics.events ({OldColumns}) VALUES ({row})");
            }
            return new PostgresEventStore(_cs, 8, NullLogger<PostgresEventStore>.Instance);
        }

        protected override async Task<long> MarkersAsync()
        {
            await using var conn = new NpgsqlConnection(_cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM analytics.store_meta WHERE name = 'event_keys'", conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
    }
}
