using System.Data.Common;

namespace Pharos.Analytics.Store;

/// <summary>
/// Fills the key columns (<see cref="EventKeys"/>) of events stored before the columns existed, once per store:
/// the distinct texts go to .NET for their keys and come back as a small table that three UPDATEs join on.
/// A marker row in <c>store_meta</c> says it is done, so later starts cost one lookup.
/// </summary>
internal static class KeyBackfill
{
    public const string Marker = "event_keys";

    private static string AddColumns(string table, string bigint) => $"""
        ALTER TABLE {table} ADD COLUMN IF NOT EXISTS person_key {bigint};
        ALTER TABLE {table} ADD COLUMN IF NOT EXISTS anon_key {bigint};
        ALTER TABLE {table} ADD COLUMN IF NOT EXISTS event_key {bigint};
        """;

    private static string Texts(string t) => $"""
        SELECT DISTINCT x FROM (
          SELECT coalesce(user_id, anonymous_id) AS x FROM {t} UNION ALL
          SELECT coalesce(previous_id, anonymous_id) FROM {t} UNION ALL
          SELECT event FROM {t}) s WHERE x IS NOT NULL
        """;

    private static string Updates(string t, string map) => $"""
        UPDATE {t} SET person_key = m.id_key FROM {map} m WHERE m.id_text = coalesce(user_id, anonymous_id);
        UPDATE {t} SET anon_key = m.id_key FROM {map} m
          WHERE m.id_text = CASE WHEN type IN ('identify','alias') THEN coalesce(previous_id, anonymous_id) WHEN user_id IS NULL THEN anonymous_id END;
        UPDATE {t} SET event_key = m.id_key FROM {map} m WHERE m.id_text = event;
        """;

    /// <summary>
    /// Adds and fills the key columns unless the marker in <paramref name="meta"/> says it was done; runs inside the
    /// caller's transaction. <paramref name="load"/> bulk-writes (text, key) pairs into <paramref name="map"/>.
    /// Returns how many distinct texts were keyed (0 when there was nothing to do).
    /// </summary>
    public static async Task<int> EnsureAsync(DbConnection conn, string table, string meta, string map, string textType, string bigint,
        Func<IReadOnlyList<(string Text, long Key)>, Task> load, CancellationToken ct)
    {
        await using (var check = conn.CreateCommand())
        {
            check.CommandText = $"SELECT count(*) FROM {meta} WHERE name = '{Marker}'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0) return 0;
        }
        await ExecAsync(conn, AddColumns(table, bigint), ct);
        var texts = await FillAsync(conn, table, map, textType, load, ct);
        await ExecAsync(conn, $"INSERT INTO {meta} VALUES ('{Marker}', '1')", ct);
        return texts;
    }

    private static async Task<int> FillAsync(DbConnection conn, string table, string map, string textType,
        Func<IReadOnlyList<(string Text, long Key)>, Task> load, CancellationToken ct)
    {
        var pairs = new List<(string, long)>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = Texts(table);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var text = r.GetString(0);
                pairs.Add((text, EventKeys.Of(text)!.Value));
            }
        }
        if (pairs.Count == 0) return 0;
        await ExecAsync(conn, $"CREATE TABLE {map} (id_text {textType} NOT NULL, id_key BIGINT NOT NULL)", ct);
        await load(pairs);
        await ExecAsync(conn, Updates(table, map), ct);
        await ExecAsync(conn, $"DROP TABLE {map}", ct);
        return pairs.Count;
    }

    private static async Task ExecAsync(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
