using DuckDB.NET.Data;

namespace Pharos.Analytics.Store;

/// <summary>
/// The embedded default: one DuckDB file under the data directory. One process owns the file (DuckDB locks it), so
/// writes go through one connection and dedup is an in-memory window; queries open their own connections to the same
/// database instance and read a consistent snapshot while writes go on.
/// </summary>
internal sealed class DuckDbEventStore(string path, int dedupDays, TimeProvider time, ILogger<DuckDbEventStore> log, string? memoryLimit = null) : IEventStore
{
    /// <summary>What <c>memory_limit</c> accepts here: a number and a unit, nothing else reaches the SET statement.</summary>
    public const string MemoryLimitPattern = @"^\d{1,7}(\.\d{1,3})?\s?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$";
    private readonly string? _memoryLimit = Valid(memoryLimit);

    private readonly string _cs = $"Data Source={path}";
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly DedupWindow _seen = new(dedupDays);
    private DuckDBConnection? _writer;
    private long _sinceCheckpoint;

    public string Engine => "DuckDB";

    private static string? Valid(string? memoryLimit) =>
        string.IsNullOrWhiteSpace(memoryLimit) ? null
        : System.Text.RegularExpressions.Regex.IsMatch(memoryLimit, MemoryLimitPattern) ? memoryLimit
        : throw new ArgumentException($"'{memoryLimit}' is not a memory limit such as 512MB.", nameof(memoryLimit));

    /// <summary>Idempotent: the demo seeding writes events before the hosted services start.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try { if (_writer is null) await OpenWriterAsync(); }
        finally { _write.Release(); }

        async Task OpenWriterAsync()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _writer = new DuckDBConnection(_cs);
            await _writer.OpenAsync(ct);
            // Times are compared and truncated in UTC; days in the business time zone are cut in C#.
            // The automatic checkpoint would run inside the commit that crosses its threshold and stall that request
            // for seconds (research §1), so it is moved off the write path: MaintainAsync checkpoints on a timer.
            if (_memoryLimit is not null) await StoreMeta.ExecAsync(_writer, $"SET GLOBAL memory_limit = '{_memoryLimit}'", ct);
            await StoreMeta.ExecAsync(_writer, """
            SET GLOBAL TimeZone = 'UTC';
            SET GLOBAL checkpoint_threshold = '1GB';
            CREATE TABLE IF NOT EXISTS events (
              message_id VARCHAR NOT NULL, source_id UUID NOT NULL, type VARCHAR NOT NULL, event VARCHAR,
              user_id VARCHAR, anonymous_id VARCHAR, group_id VARCHAR, previous_id VARCHAR,
              ts TIMESTAMPTZ NOT NULL, original_ts TIMESTAMPTZ, sent_at TIMESTAMPTZ, received_at TIMESTAMPTZ NOT NULL,
              properties JSON, context JSON, person_key BIGINT, anon_key BIGINT, event_key BIGINT);
            CREATE TABLE IF NOT EXISTS store_meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
            CREATE TABLE IF NOT EXISTS accounts (
              external_id VARCHAR PRIMARY KEY, account_id UUID NOT NULL, name VARCHAR NOT NULL,
              tier VARCHAR NOT NULL, industry VARCHAR NOT NULL, region VARCHAR NOT NULL);
            """ + EventLinks.CreateSql, ct);
            await BackfillAsync(_writer);
            await using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT source_id, message_id, received_at FROM events WHERE received_at >= $since";
            cmd.Parameters.Add(new DuckDBParameter("since", time.GetUtcNow().UtcDateTime.AddDays(-dedupDays - 1)));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                _seen.Add(DedupWindow.Key(r.GetGuid(0), r.GetString(1)), r.GetFieldValue<DateTimeOffset>(2));
            log.LogInformation("DuckDB event store at {Path}: {Count} message ids in the dedup window", path, _seen.Count);
        }
    }

    /// <summary>A file from before the key columns gets them, filled (<see cref="KeyBackfill"/>); then its link table (<see cref="EventLinks"/>).</summary>
    private async Task BackfillAsync(DuckDBConnection conn)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var texts = await KeyBackfill.EnsureAsync(conn, "events", "store_meta", "key_backfill", "VARCHAR", "BIGINT", pairs =>
        {
            using var app = conn.CreateAppender("key_backfill");
            foreach (var (text, key) in pairs) app.CreateRow().AppendValue(text).AppendValue(key).EndRow();
            return Task.CompletedTask;
        }, CancellationToken.None);
        var links = await EventLinks.EnsureAsync(conn, CancellationToken.None);
        await tx.CommitAsync();
        if (texts > 0) log.LogInformation("Filled the key columns of stored events ({Count} distinct ids and names)", texts);
        if (links) log.LogInformation("Copied the stored identify, alias and group calls into the link table");
    }

    public async Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            var writer = _writer ?? throw new InvalidOperationException("The event store was not initialised.");
            var fresh = new List<(TrackedEvent E, UInt128 Key)>(events.Count);
            var inBatch = new HashSet<UInt128>();
            foreach (var e in events)
            {
                var key = DedupWindow.Key(e.SourceId, e.MessageId);
                if (!_seen.Contains(key) && inBatch.Add(key)) fresh.Add((e, key));
            }
            if (fresh.Count == 0) return 0;
            await using (var tx = await writer.BeginTransactionAsync(ct))
            {
                using (var app = writer.CreateAppender("events"))
                {
                    foreach (var (e, _) in fresh)
                    {
                        var row = app.CreateRow().AppendValue(e.MessageId).AppendValue(e.SourceId).AppendValue(e.Type);
                        Text(row, e.Event); Text(row, e.UserId); Text(row, e.AnonymousId); Text(row, e.GroupId); Text(row, e.PreviousId);
                        row.AppendValue(e.Timestamp);
                        Time(row, e.OriginalTimestamp); Time(row, e.SentAt);
                        row.AppendValue(e.ReceivedAt);
                        Text(row, e.Properties); Text(row, e.Context);
                        Key(row, EventKeys.Person(e)); Key(row, EventKeys.Anonymous(e)); Key(row, EventKeys.Event(e));
                        row.EndRow();
                    }
                }
                EventLinks.Append(writer, fresh.Select(f => f.E));
                await tx.CommitAsync(ct);
            }
            // Only what is committed may suppress a retry.
            foreach (var (e, key) in fresh) _seen.Add(key, e.ReceivedAt);
            Interlocked.Add(ref _sinceCheckpoint, fresh.Count);
            return fresh.Count;
        }
        finally { _write.Release(); }
    }

    internal static void Text(IDuckDBAppenderRow row, string? v)
    {
        if (v is null) row.AppendNullValue(); else row.AppendValue(v);
    }

    internal static void Key(IDuckDBAppenderRow row, long? v)
    {
        if (v is { } k) row.AppendValue(k); else row.AppendNullValue();
    }

    private static void Time(IDuckDBAppenderRow row, DateTimeOffset? v)
    {
        if (v is { } t) row.AppendValue(t); else row.AppendNullValue();
    }

    // Not an iterator itself: one async iterator between DuckDB and the engine, not two (each costs per row).
    public IAsyncEnumerable<ScanRow> ScanAsync(EventScan scan, CancellationToken ct)
    {
        var (sql, ps) = ScanSql.Build(Dialect.Instance, scan);
        return DuckDbChunks.ScanAsync(_cs, sql, ps, scan, ct);
    }

    public async Task SyncAccountsAsync(IReadOnlyList<AccountDimension> accounts, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await StoreMeta.ExecAsync(conn, "DELETE FROM accounts", ct);
        using (var app = conn.CreateAppender("accounts"))
            foreach (var a in accounts.DistinctBy(a => a.ExternalId))
                app.CreateRow().AppendValue(a.ExternalId).AppendValue(a.AccountId).AppendValue(a.Name)
                    .AppendValue(a.Tier).AppendValue(a.Industry).AppendValue(a.Region).EndRow();
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<(string Name, long Count)>> EventNamesAsync(DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Command(conn, "SELECT event, count(*) FROM events WHERE type = 'track' AND ts >= $since GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $limit",
            [new("since", since.UtcDateTime), new("limit", limit)]);
        var list = new List<(string, long)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }

    public async Task<IReadOnlyList<string>> PropertyNamesAsync(string? eventName, DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Command(conn, """
            SELECT k FROM (SELECT unnest(json_keys(properties)) AS k FROM (
              SELECT properties FROM events WHERE ts >= $since AND properties IS NOT NULL AND type IN ('track','page','screen')
                AND ($event IS NULL OR event = $event) LIMIT 100000)) GROUP BY k ORDER BY count(*) DESC, k LIMIT $limit
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
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long deleted;
        await using (var cmd = Command(conn, sql, [new("id", id)]))
            deleted = Convert.ToInt64(await cmd.ExecuteNonQueryAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        await EventLinks.RebuildAsync(conn, ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Command(conn, "SELECT count(*) FROM events", []);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task MaintainAsync(DateTimeOffset now, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try { _seen.Trim(now); }
        finally { _write.Release(); }
        if (Interlocked.Exchange(ref _sinceCheckpoint, 0) == 0) return;
        await using var conn = await OpenAsync(ct);
        await StoreMeta.ExecAsync(conn, "CHECKPOINT", ct);
    }

    private async Task<DuckDBConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new DuckDBConnection(_cs);
        await conn.OpenAsync(ct);
        return conn;
    }

    private static DuckDBCommand Command(DuckDBConnection conn, string sql, List<KeyValuePair<string, object?>> ps)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (k, v) in ps) cmd.Parameters.Add(new DuckDBParameter(k, v ?? DBNull.Value));
        return cmd;
    }

    public async ValueTask DisposeAsync()
    {
        // Called by the store's hosted service at shutdown and again by the container; the second waits for the first.
        await _write.WaitAsync();
        try
        {
            if (_writer is null) return;
            try { await StoreMeta.ExecAsync(_writer, "CHECKPOINT", CancellationToken.None); }
            catch (DuckDBException e) { log.LogWarning(e, "Checkpoint at shutdown failed; the WAL is replayed at the next start"); }
            await _writer.DisposeAsync();
            _writer = null;
        }
        finally { _write.Release(); }
    }

    internal sealed class Dialect : SqlDialect
    {
        public static readonly Dialect Instance = new();
        public override string Table => "events";
        public override string AccountsTable => "accounts";
        public override string LinksTable => EventLinks.Table;

        protected override char ParamPrefix => '$';

        // A JSON pointer ("/name", with ~ and / escaped) names the key exactly, whatever characters it holds.
        private string Pointer(List<KeyValuePair<string, object?>> ps, string property) =>
            Param(ps, "/" + property.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

        public override string JsonText(string column, string property, List<KeyValuePair<string, object?>> ps) =>
            $"json_extract_string({column}, {Pointer(ps, property)})";

        public override string JsonNumber(string column, string property, List<KeyValuePair<string, object?>> ps)
        {
            var p = Pointer(ps, property);
            return $"(CASE WHEN json_type({column}, {p}) IN ('BIGINT','UBIGINT','DOUBLE','HUGEINT') THEN TRY_CAST(json_extract_string({column}, {p}) AS DOUBLE) END)";
        }

        public override string JsonPath(string column, params string[] keys) => $"json_extract_string({column}, '$.{string.Join('.', keys)}')";
        public override string EpochMicros(string column) => $"epoch_us({column})";
        public override string LatestPerKey(string keyExpr, IReadOnlyList<(string Expr, string Name)> values, string order, string from, string where) =>
            $"SELECT {keyExpr} AS k, {string.Join(", ", values.Select(v => $"arg_max({v.Expr}, {order}) AS {v.Name}"))} FROM {from} WHERE {where} GROUP BY 1";
        public override string Contains(string haystack, string needleParam) => $"contains({haystack}, {needleParam})";
    }
}
