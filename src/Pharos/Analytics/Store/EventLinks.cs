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

    private static bool IsLink(TrackedEvent e) => e.Type is "identify" or "alias" or "group";

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
                DuckDbEventStore.Text(row, e.UserId); DuckDbEventStore.Text(row, e.GroupId);
                DuckDbEventStore.Key(row, EventKeys.Anonymous(e)); DuckDbEventStore.Key(row, EventKeys.Person(e));
                row.AppendValue(e.Timestamp).EndRow();
            }
        }
        finally { app?.Dispose(); }
    }

    /// <summary>Makes the copy match the events again: after an erasure, inside its transaction.</summary>
    public static Task RebuildAsync(DbConnection conn, CancellationToken ct) =>
        StoreMeta.ExecAsync(conn, $"DELETE FROM {Table}; INSERT INTO {Table} SELECT {Columns} FROM events WHERE type IN {LinkTypes};", ct, untimed: true);

    /// <summary>Builds the copy for a store written before it existed, once (a marker in <c>store_meta</c>); after the key backfill.</summary>
    public static Task<bool> EnsureAsync(DbConnection conn, CancellationToken ct) =>
        StoreMeta.OnceAsync(conn, "store_meta", Marker, () => RebuildAsync(conn, ct), ct);
}
