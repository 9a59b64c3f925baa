using System.Data.Common;
using DuckDB.NET.Data;

namespace Pharos.Analytics.Store;

/// <summary>
/// The DuckDB store's copy of the calls that link ids: identify and alias (anonymous id → user) and group (user →
/// account). Every analysis resolves identity and accounts from them (<see cref="ScanSql"/>); read from the events
/// table, that meant a pass over every event's type before the analysis began, about a fifth of a funnel's time on
/// 10 million events. The copy is written in the transaction that writes the events, rebuilt from the events after
/// an erasure (so no erased id survives in it), and built once for a store that predates it.
/// </summary>
internal static class EventLinks
{
    public const string Table = "links";
    private const string Marker = "links";
    private const string Columns = "type, user_id, group_id, anon_key, person_key, ts";
    private const string LinkTypes = "('identify','alias','group')";

    public const string CreateSql = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
          type VARCHAR NOT NULL, user_id VARCHAR, group_id VARCHAR, anon_key BIGINT, person_key BIGINT, ts TIMESTAMPTZ NOT NULL);
        """;

    public static bool IsLink(TrackedEvent e) => e.Type is "identify" or "alias" or "group";

    /// <summary>Appends the link calls among <paramref name="events"/>; inside the caller's transaction.</summary>
    public static void Append(DuckDBConnection conn, IEnumerable<TrackedEvent> events)
    {
        DuckDBAppender? app = null;
        try
        {
            foreach (var e in events)
            {
                if (!IsLink(e)) continue;
                app ??= conn.CreateAppender(Table);
                var row = app.CreateRow().AppendValue(e.Type);
                if (e.UserId is null) row.AppendNullValue(); else row.AppendValue(e.UserId);
                if (e.GroupId is null) row.AppendNullValue(); else row.AppendValue(e.GroupId);
                if (EventKeys.Anonymous(e) is { } anon) row.AppendValue(anon); else row.AppendNullValue();
                if (EventKeys.Person(e) is { } person) row.AppendValue(person); else row.AppendNullValue();
                row.AppendValue(e.Timestamp).EndRow();
            }
        }
        finally { app?.Dispose(); }
    }

    /// <summary>Makes the copy match the events again: after an erasure, inside its transaction.</summary>
    public static Task RebuildAsync(DbConnection conn, CancellationToken ct) =>
        ExecAsync(conn, $"DELETE FROM {Table}; INSERT INTO {Table} SELECT {Columns} FROM events WHERE type IN {LinkTypes};", ct);

    /// <summary>Builds the copy for a store written before it existed, once (a marker in <c>store_meta</c>); after the key backfill.</summary>
    public static async Task<bool> EnsureAsync(DbConnection conn, CancellationToken ct)
    {
        await using (var check = conn.CreateCommand())
        {
            check.CommandText = $"SELECT count(*) FROM store_meta WHERE name = '{Marker}'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0) return false;
        }
        await RebuildAsync(conn, ct);
        await ExecAsync(conn, $"INSERT INTO store_meta VALUES ('{Marker}', '1')", ct);
        return true;
    }

    private static async Task ExecAsync(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
