using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;

namespace Pharos.Platform.Jobs;

/// <summary>
/// Lets one of several app instances run a scheduled tick. On PostgreSQL a transaction-scoped advisory lock;
/// SQLite is single-instance by nature, so there the caller always runs.
/// </summary>
public static class ClusterLock
{
    /// <summary>Call inside a transaction; the lock is released when it ends.</summary>
    public static async Task<bool> TryAcquireAsync(PharosDb db, long key, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return true;
        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({key}) AS \"Value\"").SingleAsync(ct);
    }
}
