using System.Data.Common;

namespace Pharos.Analytics.Store;

/// <summary>
/// What both stores' set-up shares: running a statement, and running a one-time step (a backfill) under a marker row
/// in their <c>store_meta</c> table, so later starts cost one lookup.
/// </summary>
internal static class StoreMeta
{
    /// <param name="untimed">No command time-out: a backfill over every stored event may take minutes.</param>
    public static async Task ExecAsync(DbConnection conn, string sql, CancellationToken ct, bool untimed = false)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        if (untimed) cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs <paramref name="step"/> unless <paramref name="marker"/> is in <paramref name="meta"/>, then writes it; inside the caller's transaction. True when it ran.</summary>
    public static async Task<bool> OnceAsync(DbConnection conn, string meta, string marker, Func<Task> step, CancellationToken ct)
    {
        await using (var check = conn.CreateCommand())
        {
            check.CommandText = $"SELECT count(*) FROM {meta} WHERE name = '{marker}'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0) return false;
        }
        await step();
        await ExecAsync(conn, $"INSERT INTO {meta} VALUES ('{marker}', '1')", ct);
        return true;
    }
}
