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
        var texts = 0;
        await StoreMeta.OnceAsync(conn, meta, Marker, async () =>
        {
            await StoreMeta.ExecAsync(conn, AddColumns(table, bigint), ct, untimed: true);
            texts = await FillAsync(conn, table, map, textType, load, ct);
        }, ct);
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
        await StoreMeta.ExecAsync(conn, $"CREATE TABLE {map} (id_text {textType} NOT NULL, id_key BIGINT NOT NULL)", ct, untimed: true);
        await load(pairs);
        await StoreMeta.ExecAsync(conn, Updates(table, map), ct, untimed: true);
        await StoreMeta.ExecAsync(conn, $"DROP TABLE {map}", ct, untimed: true);
        return pairs.Count;
    }
}
