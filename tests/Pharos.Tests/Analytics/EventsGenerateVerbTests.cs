using DuckDB.NET.Data;
using Pharos.Analytics.Cli;
using Xunit.Abstractions;

namespace Pharos.Tests.Analytics;

public sealed class EventsGenerateVerbTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pharos-events-generate-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int Code, string Output, string Progress)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await EventsGenerateVerb.RunAsync(args, stdout, stderr, CancellationToken.None);
        output.WriteLine(stderr.ToString());
        output.WriteLine(stdout.ToString());
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var conn = new DuckDBConnection($"Data Source={path}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Generate_writes_exactly_the_count_with_its_accounts_into_a_new_file()
    {
        var path = Path.Combine(_dir.FullName, "bench", "events.duckdb");

        var (code, summary, _) = await RunAsync("events", "generate", "--count", "50000", "--out", path, "--now", "2026-11-27T08:00:00Z");

        Assert.Equal(0, code);
        Assert.Contains("50,000 events", summary);
        Assert.Equal(50_000, await ScalarAsync(path, "SELECT count(*) FROM events"));
        Assert.Equal(50_000, await ScalarAsync(path, "SELECT count(DISTINCT message_id) FROM events"));
        Assert.Equal(10, await ScalarAsync(path, "SELECT count(*) FROM accounts"));
        // Every account's users joined it, and the events reach the last day of the window.
        Assert.Equal(10, await ScalarAsync(path, "SELECT count(DISTINCT group_id) FROM events WHERE type = 'group'"));
        Assert.Equal(0, await ScalarAsync(path, "SELECT count(*) FROM events WHERE type = 'group' AND group_id NOT IN (SELECT external_id FROM accounts)"));
        Assert.True(await ScalarAsync(path, "SELECT count(*) FROM events WHERE ts >= TIMESTAMPTZ '2026-11-26 00:00:00+00'") > 0);
    }

    [Fact]
    public async Task Generate_refuses_an_existing_file_unless_forced()
    {
        var path = Path.Combine(_dir.FullName, "events.duckdb");
        Assert.Equal(0, (await RunAsync("events", "generate", "--count", "2000", "--out", path, "--now", "2026-11-27T08:00:00Z")).Code);

        var refused = await RunAsync("events", "generate", "--count", "3000", "--out", path);
        Assert.Equal(1, refused.Code);
        Assert.Contains("--force", refused.Progress);
        Assert.Equal(2_000, await ScalarAsync(path, "SELECT count(*) FROM events"));

        Assert.Equal(0, (await RunAsync("events", "generate", "--count", "3000", "--out", path, "--force")).Code);
        Assert.Equal(3_000, await ScalarAsync(path, "SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task Generate_explains_what_is_missing()
    {
        var (code, _, progress) = await RunAsync("events", "generate", "--out", Path.Combine(_dir.FullName, "x.duckdb"));

        Assert.Equal(2, code);
        Assert.Contains("--count", progress);
    }
}
