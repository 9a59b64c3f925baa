using Npgsql;

namespace Pharos.Tests.Infrastructure;

/// <summary>Where the PostgreSQL for tests comes from, and throwaway databases on it.</summary>
public static class TestDatabases
{
    public const string PostgresVariable = "PHAROS_TEST_POSTGRES";
    public const string SkipVariable = "PHAROS_SKIP_POSTGRES";

    public static bool PostgresSkipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: set {PostgresVariable} to a connection string of a user that may create databases, " +
                $"e.g. {PostgresVariable}=\"Host=localhost;Port=5432;Username=postgres;Password=postgres\" (scripts/test.sh installs and starts one). " +
                $"To run without PostgreSQL, set {SkipVariable}=1 and these tests are reported as skipped.");

    /// <summary>Creates an empty, uniquely named database and returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        var name = "pharos_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(AdminConnectionString(server)))
        {
            try
            {
                await conn.OpenAsync();
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"Cannot reach the PostgreSQL named by {PostgresVariable} ({Redacted(server)}): {e.Message}. Start the server, or set {SkipVariable}=1 to skip these tests.", e);
            }
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        server.Database = name;
        return server.ConnectionString;
    }

    public static async Task DropPostgresDatabaseAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database!;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnectionString(builder));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string AdminConnectionString(NpgsqlConnectionStringBuilder server) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private static string Redacted(NpgsqlConnectionStringBuilder b) => $"Host={b.Host};Port={b.Port};Username={b.Username}";
}
