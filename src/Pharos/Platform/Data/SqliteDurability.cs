using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pharos.Platform.Data;

/// <summary>
/// synchronous is a per-connection setting in SQLite. FULL makes a WAL commit reach the disk before it is
/// acknowledged, so an acknowledged write survives a power cut, not only a process crash.
/// </summary>
internal sealed class SqliteDurability : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL;";
        command.ExecuteNonQuery();
    }
}
