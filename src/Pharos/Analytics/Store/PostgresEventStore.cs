using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Pharos.Analytics.Store;

/// <summary>
/// Events in PostgreSQL, for several Pharos instances on one database: a table partitioned by month, written with
/// binary COPY. A unique index on a partitioned table must contain the partition key, so dedup has its own table
/// keyed by (source, messageId); <c>ON CONFLICT DO NOTHING</c> arbitrates between instances.
/// </summary>
internal sealed class PostgresEventStore(string connectionString, int dedupDays, ILogger<PostgresEventStore> log) : IEventStore
{
    private const long SchemaLock = 0x5048_4152_4F53_0001; // "PHAROS" + 1: schema and partition DDL, across instances
    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(connectionString);
    private readonly ConcurrentDictionary<DateOnly, bool> _partitions = new();

    public string Engine => "PostgreSQL";

    private volatile bool _ready;

    /// <summary>Idempotent: the demo seeding writes events before the hosted services start.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_ready) return;
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await StoreMeta.ExecAsync(conn, $"SELECT pg_advisory_xact_lock({SchemaLock})", ct);
        await StoreMeta.ExecAsync(conn, """
            CREATE SCHEMA IF NOT EXISTS analytics;
            CREATE TABLE IF NOT EXISTS analytics.events (
              message_id text NOT NULL, source_id uuid NOT NULL, type text NOT NULL, event text,
              user_id text, anonymous_id text, group_id text, previous_id text,
              ts timestamptz NOT NULL, original_ts timestamptz, sent_at timestamptz, received_at timestamptz NOT NULL,
              properties jsonb, context jsonb, person_key bigint, anon_key bigint, event_key bigint) PARTITION BY RANGE (ts);
            CREATE TABLE IF NOT EXISTS analytics.store_meta (name text PRIMARY KEY, value text NOT NULL);
            CREATE INDEX IF NOT EXISTS events_links ON analytics.events (type, ts) WHERE type IN ('identify', 'alias', 'group');
            CREATE INDEX IF NOT EXISTS events_user ON analytics.events (user_id);
            CREATE INDEX IF NOT EXISTS events_anonymous ON analytics.events (anonymous_id);
            CREATE INDEX IF NOT EXISTS events_group ON analytics.events (group_id) WHERE group_id IS NOT NULL;
            CREATE TABLE IF NOT EXISTS analytics.event_dedup (
              source_id uuid NOT NULL, message_id text NOT NULL, received_at timestamptz NOT NULL,
              PRIMARY KEY (source_id, message_id));
            CREATE INDEX IF NOT EXISTS event_dedup_received ON analytics.event_dedup (received_at);
            CREATE TABLE IF NOT EXISTS analytics.accounts (
              external_id text PRIMARY KEY, account_id uuid NOT NULL, name text NOT NULL,
              tier text NOT NULL, industry text NOT NULL, region text NOT NULL);
            """, ct);
        await BackfillKeysAsync(conn, ct);
        // Steps and series filter on the event's key (EventKeys), so the time index carries the key, not the name.
        await StoreMeta.ExecAsync(conn, """
            DROP INDEX IF EXISTS analytics.events_ts_event;
            CREATE INDEX IF NOT EXISTS events_ts_event_key ON analytics.events (ts, event_key);
            """, ct);
        await tx.CommitAsync(ct);
        _ready = true;
        log.LogInformation("PostgreSQL event store ready");
    }

    /// <summary>A database from before the key columns gets them, filled (<see cref="KeyBackfill"/>); runs under the schema lock.</summary>
    private async Task BackfillKeysAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var texts = await KeyBackfill.EnsureAsync(conn, "analytics.events", "analytics.store_meta", "analytics.key_backfill", "text", "bigint", async pairs =>
        {
            await using var copy = await conn.BeginBinaryImportAsync("COPY analytics.key_backfill (id_text, id_key) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (text, key) in pairs)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(text, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(key, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }, ct);
        if (texts > 0) log.LogInformation("Filled the key columns of stored events ({Count} distinct ids and names)", texts);
    }

    public async Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct)
    {
        var unique = new List<TrackedEvent>(events.Count);
        var inBatch = new HashSet<(Guid, string)>();
        foreach (var e in events) if (inBatch.Add((e.SourceId, e.MessageId))) unique.Add(e);
        if (unique.Count == 0) return 0;
        await EnsurePartitionsAsync(unique, ct);

        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var fresh = new HashSet<(Guid, string)>();
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO analytics.event_dedup (source_id, message_id, received_at)
            SELECT * FROM unnest(@s, @m, @r) ON CONFLICT DO NOTHING RETURNING source_id, message_id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("s", unique.Select(e => e.SourceId).ToArray());
            cmd.Parameters.AddWithValue("m", unique.Select(e => e.MessageId).ToArray());
            cmd.Parameters.AddWithValue("r", unique.Select(e => e.ReceivedAt.UtcDateTime).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) fresh.Add((r.GetGuid(0), r.GetString(1)));
        }
        if (fresh.Count > 0)
        {
            await using var copy = await conn.BeginBinaryImportAsync("""
                COPY analytics.events (message_id, source_id, type, event, user_id, anonymous_id, group_id, previous_id,
                  ts, original_ts, sent_at, received_at, properties, context, person_key, anon_key, event_key) FROM STDIN (FORMAT BINARY)
                """, ct);
            foreach (var e in unique)
            {
                if (!fresh.Contains((e.SourceId, e.MessageId))) continue;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(e.MessageId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(e.SourceId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
                await Text(copy, e.Event, ct); await Text(copy, e.UserId, ct); await Text(copy, e.AnonymousId, ct);
                await Text(copy, e.GroupId, ct); await Text(copy, e.PreviousId, ct);
                await copy.WriteAsync(e.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                await Time(copy, e.OriginalTimestamp, ct); await Time(copy, e.SentAt, ct);
                await copy.WriteAsync(e.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                await Json(copy, e.Properties, ct); await Json(copy, e.Context, ct);
                await Key(copy, EventKeys.Person(e), ct); await Key(copy, EventKeys.Anonymous(e), ct); await Key(copy, EventKeys.Event(e), ct);
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return fresh.Count;
    }

    private static Task Text(NpgsqlBinaryImporter copy, string? v, CancellationToken ct) =>
        v is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(v, NpgsqlDbType.Text, ct);

    private static Task Key(NpgsqlBinaryImporter copy, long? v, CancellationToken ct) =>
        v is { } k ? copy.WriteAsync(k, NpgsqlDbType.Bigint, ct) : copy.WriteNullAsync(ct);

    private static Task Json(NpgsqlBinaryImporter copy, string? v, CancellationToken ct) =>
        v is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(v, NpgsqlDbType.Jsonb, ct);

    private static Task Time(NpgsqlBinaryImporter copy, DateTimeOffset? v, CancellationToken ct) =>
        v is { } t ? copy.WriteAsync(t.UtcDateTime, NpgsqlDbType.TimestampTz, ct) : copy.WriteNullAsync(ct);

    /// <summary>Monthly partitions, made when the first event of a month arrives (several instances may race: advisory lock).</summary>
    private async Task EnsurePartitionsAsync(List<TrackedEvent> events, CancellationToken ct)
    {
        var months = events.Select(e => new DateOnly(e.Timestamp.UtcDateTime.Year, e.Timestamp.UtcDateTime.Month, 1))
            .Distinct().Where(m => !_partitions.ContainsKey(m)).ToList();
        if (months.Count == 0) return;
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await StoreMeta.ExecAsync(conn, $"SELECT pg_advisory_xact_lock({SchemaLock})", ct);
        foreach (var m in months)
        {
            var name = $"events_y{m.Year:D4}m{m.Month:D2}";
            await StoreMeta.ExecAsync(conn, $"CREATE TABLE IF NOT EXISTS analytics.{name} PARTITION OF analytics.events FOR VALUES FROM ('{m:yyyy-MM-dd}') TO ('{m.AddMonths(1):yyyy-MM-dd}')", ct);
        }
        await tx.CommitAsync(ct);
        foreach (var m in months) _partitions[m] = true;
    }

    public async IAsyncEnumerable<ScanRow> ScanAsync(EventScan scan, [EnumeratorCancellation] CancellationToken ct)
    {
        var (sql, ps) = ScanSql.Build(Dialect.Instance, scan);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, sql, ps);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var reader = new ScanReader(scan);
        while (await r.ReadAsync(ct))
            yield return reader.Read(r);
    }

    public async Task SyncAccountsAsync(IReadOnlyList<AccountDimension> accounts, CancellationToken ct)
    {
        var list = accounts.DistinctBy(a => a.ExternalId).ToList();
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await StoreMeta.ExecAsync(conn, "DELETE FROM analytics.accounts", ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO analytics.accounts SELECT * FROM unnest(@e, @i, @n, @t, @d, @r)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("e", list.Select(a => a.ExternalId).ToArray());
            cmd.Parameters.AddWithValue("i", list.Select(a => a.AccountId).ToArray());
            cmd.Parameters.AddWithValue("n", list.Select(a => a.Name).ToArray());
            cmd.Parameters.AddWithValue("t", list.Select(a => a.Tier).ToArray());
            cmd.Parameters.AddWithValue("d", list.Select(a => a.Industry).ToArray());
            cmd.Parameters.AddWithValue("r", list.Select(a => a.Region).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<(string Name, long Count)>> EventNamesAsync(DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, "SELECT event, count(*) FROM analytics.events WHERE type = 'track' AND ts >= @since GROUP BY 1 ORDER BY 2 DESC, event COLLATE \"C\" LIMIT @limit",
            [new("since", since.UtcDateTime), new("limit", limit)]);
        var list = new List<(string, long)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }

    public async Task<IReadOnlyList<string>> PropertyNamesAsync(string? eventName, DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, """
            SELECT k FROM (SELECT jsonb_object_keys(properties) AS k FROM (
              SELECT properties FROM analytics.events WHERE ts >= @since AND jsonb_typeof(properties) = 'object'
                AND type IN ('track','page','screen') AND (@event::text IS NULL OR event = @event) LIMIT 100000) s) k
            GROUP BY k ORDER BY count(*) DESC, k COLLATE "C" LIMIT @limit
            """, [new("since", since.UtcDateTime), new("event", eventName), new("limit", limit)]);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    public Task<long> DeletePersonAsync(string id, CancellationToken ct) => DeleteAsync(EventDeletion.PersonSql(Dialect.Instance), id, ct);

    public Task<long> DeleteAccountAsync(string externalId, CancellationToken ct) => DeleteAsync(EventDeletion.AccountSql(Dialect.Instance), externalId, ct);

    private async Task<long> DeleteAsync(string sql, string id, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, sql, [new("id", id)]);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, "SELECT count(*) FROM analytics.events", []);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task MaintainAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, "DELETE FROM analytics.event_dedup WHERE received_at < @before", [new("before", now.UtcDateTime.AddDays(-dedupDays))]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, List<KeyValuePair<string, object?>> ps)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (k, v) in ps)
            cmd.Parameters.Add(v is null ? new NpgsqlParameter(k, NpgsqlDbType.Text) { Value = DBNull.Value } : new NpgsqlParameter(k, v));
        return cmd;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    internal sealed class Dialect : SqlDialect
    {
        public static readonly Dialect Instance = new();
        public override string Table => "analytics.events";
        public override string AccountsTable => "analytics.accounts";
        public override string LinksTable => Table;

        protected override char ParamPrefix => '@';

        public override string JsonText(string column, string property, List<KeyValuePair<string, object?>> ps) =>
            $"({column} ->> {Param(ps, property)}::text)";

        public override string JsonNumber(string column, string property, List<KeyValuePair<string, object?>> ps)
        {
            var p = Param(ps, property);
            return $"(CASE WHEN jsonb_typeof({column} -> {p}::text) = 'number' THEN ({column} ->> {p}::text)::float8 END)";
        }

        public override string JsonPath(string column, params string[] keys) => $"({column} #>> '{{{string.Join(',', keys)}}}')";
        public override string EpochMicros(string column) => $"(extract(epoch from {column}) * 1000000)::bigint";
        public override string LatestPerKey(string keyExpr, IReadOnlyList<(string Expr, string Name)> values, string order, string from, string where) =>
            $"SELECT DISTINCT ON (1) {keyExpr} AS k, {string.Join(", ", values.Select(v => $"{v.Expr} AS {v.Name}"))} FROM {from} WHERE {where} ORDER BY 1, {order} DESC";
        public override string Contains(string haystack, string needleParam) => $"(strpos({haystack}, {needleParam}::text) > 0)";
    }
}
