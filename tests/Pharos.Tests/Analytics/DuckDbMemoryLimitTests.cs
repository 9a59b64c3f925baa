using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;

namespace Pharos.Tests.Analytics;

/// <summary>Pharos:Analytics:DuckDbMemoryLimit reaches DuckDB, and nothing but a size can.</summary>
public sealed class DuckDbMemoryLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pharos-memory-").FullName;

    [Fact]
    public async Task The_store_sets_the_limit_it_is_given()
    {
        var file = Path.Combine(_dir, "events.duckdb");
        await using (var store = new DuckDbEventStore(file, 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance, "256MB"))
        {
            await store.InitializeAsync(CancellationToken.None);
            await using var conn = new DuckDBConnection($"Data Source={file}");
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT current_setting('memory_limit')";
            // DuckDB reports 256 MB in binary units.
            Assert.Equal("244.1 MiB", (string?)await cmd.ExecuteScalarAsync());
        }
    }

    [Theory]
    [InlineData("1GB'; DROP TABLE events; --")]
    [InlineData("lots")]
    [InlineData("512")]
    public void Anything_but_a_size_is_refused_before_it_reaches_duckdb(string limit)
    {
        var e = Assert.Throws<ArgumentException>(() => new DuckDbEventStore(Path.Combine(_dir, "events.duckdb"), 8, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance, limit));
        Assert.Contains("is not a memory limit", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
