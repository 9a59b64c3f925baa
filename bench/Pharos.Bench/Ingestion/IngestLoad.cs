using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pharos.Bench.Ingestion;

/// <summary>
/// End-to-end ingestion load: batches of 100 events of about 400 bytes, sent by concurrent clients over HTTP to a
/// Pharos process, each request acknowledged only once its events are durable. Baseline: the same load against a
/// process that only parses the JSON (<see cref="ParseOnlyServer"/>). Prints events/s, latency percentiles and the
/// server's peak memory for both, and their ratio.
/// Run: <c>dotnet run -c Release --project bench/Pharos.Bench -- ingest [--events 1000000] [--clients 32] [--store duckdb|postgres] [--pg "Host=…"]</c>
/// </summary>
internal static class IngestLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = int.Parse(Option(args, "--events") ?? "1000000");
        var clients = int.Parse(Option(args, "--clients") ?? "32");
        var store = Option(args, "--store") ?? "duckdb";
        var pg = Option(args, "--pg");
        var self = typeof(IngestLoad).Assembly.Location;
        var pharosDll = PharosDll();

        Console.WriteLine($"Ingestion load: {events:N0} events in batches of 100, {clients} concurrent clients, store {store}, {Environment.ProcessorCount} cores");

        var baseline = await MeasureAsync("parse-only baseline", () => ServerProcess.StartAsync(self, ["serve-baseline"], new Dictionary<string, string>(), "/health"), "baseline", events, clients);

        var data = Directory.CreateTempSubdirectory("pharos-ingest-bench-").FullName;
        var env = new Dictionary<string, string>
        {
            ["Pharos__DataDirectory"] = data, ["Pharos__Seed"] = "None",
            ["Pharos__Analytics__Store"] = store == "postgres" ? "Postgres" : "DuckDb",
        };
        if (store == "postgres")
        {
            if (pg is null) throw new ArgumentException("--store postgres needs --pg \"<connection string of an empty database>\"");
            env["Pharos__Database__Provider"] = "Postgres";
            env["Pharos__Database__ConnectionString"] = pg;
        }
        var pharos = await MeasureAsync($"Pharos ({store})", () => ServerProcess.StartAsync(pharosDll, [], env, "/health"), null, events, clients, env, pharosDll);
        Console.WriteLine();
        Console.WriteLine($"| server | events/s | p50 ms | p99 ms | max ms | peak RSS MiB |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|");
        foreach (var r in new[] { baseline, pharos })
            Console.WriteLine($"| {r.Name} | {r.Rate:N0} | {r.P50:F1} | {r.P99:F1} | {r.Max:F0} | {r.PeakMiB:N0} |");
        Console.WriteLine($"Pharos / baseline throughput: {pharos.Rate / baseline.Rate:P0}; stored {pharos.Stored:N0} of {events:N0} events");
        try { Directory.Delete(data, true); } catch (IOException) { }
        return pharos.Stored == events ? 0 : 1;
    }

    private sealed record Result(string Name, double Rate, double P50, double P99, double Max, long PeakMiB, long Stored);

    private static async Task<Result> MeasureAsync(string name, Func<Task<ServerProcess>> start, string? writeKey, int events, int clients,
        IReadOnlyDictionary<string, string>? env = null, string? pharosDll = null)
    {
        var pharos = writeKey is null;
        // The source is made by the CLI before the server starts (it also applies the migrations).
        if (pharos) writeKey = (await RunCliAsync(pharosDll!, env!, "sources", "create", "--name", "bench")).Trim().Split('\n')[^1].Trim();
        Result r;
        var server = await start();
        await using (server)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
            // Warm-up: JIT, connection pool, the store's first commit.
            await RunLoadAsync(http, Warm, clients, "warm");
            var clock = Stopwatch.StartNew();
            var latencies = await RunLoadAsync(http, events, clients, "run");
            var elapsed = clock.Elapsed;
            latencies.Sort();
            r = new Result(name, events / elapsed.TotalSeconds, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies[^1],
                server.PeakMemory() / (1024 * 1024), events);
        }
        // After a graceful stop the DuckDB file is free to open: count what was stored.
        if (pharos) r = r with { Stored = await StoredAsync(env!) - Warm };
        Console.WriteLine($"{name}: {r.Rate:N0} events/s, p99 {r.P99:F1} ms, peak {r.PeakMiB} MiB");
        return r;
    }

    private const int Warm = 20_000;

    private static async Task<long> StoredAsync(IReadOnlyDictionary<string, string> env)
    {
        if (env.TryGetValue("Pharos__Database__ConnectionString", out var pg) && pg.Length > 0)
        {
            await using var conn = new Npgsql.NpgsqlConnection(pg);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM analytics.events", conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        await using var duck = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(env["Pharos__DataDirectory"], "events.duckdb")}");
        await duck.OpenAsync();
        await using var c = duck.CreateCommand();
        c.CommandText = "SELECT count(*) FROM events";
        return Convert.ToInt64(await c.ExecuteScalarAsync());
    }

    private static async Task<List<double>> RunLoadAsync(HttpClient http, int events, int clients, string run)
    {
        var batches = events / 100;
        var next = -1;
        var latencies = new List<double>(batches);
        var lockObj = new Lock();
        var prefix = run + "-" + Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var sb = new StringBuilder(48 * 1024);
            while (true)
            {
                var b = Interlocked.Increment(ref next);
                if (b >= batches) return;
                var body = Batch(sb, prefix, b);
                var t = Stopwatch.GetTimestamp();
                while (true)
                {
                    using var response = await http.PostAsync("/v1/batch", new StringContent(body, Encoding.UTF8, "application/json"));
                    if (response.IsSuccessStatusCode) break;
                    // 429 and 503 ask for a retry, as Segment's clients do.
                    if ((int)response.StatusCode is not (429 or 503)) throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                }
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                lock (lockObj) latencies.Add(ms);
            }
        }));
        return latencies;
    }

    private static readonly string[] Names = ["Signed In", "Report Created", "Report Exported", "Dashboard Viewed", "Member Invited"];

    /// <summary>100 events of about 400 bytes each, with unique messageIds.</summary>
    private static string Batch(StringBuilder sb, string prefix, int b)
    {
        sb.Clear();
        var now = DateTimeOffset.UtcNow.ToString("O");
        sb.Append("{\"sentAt\":\"").Append(now).Append("\",\"batch\":[");
        for (var i = 0; i < 100; i++)
        {
            if (i > 0) sb.Append(',');
            var user = (b * 7 + i) % 50_000;
            sb.Append("{\"type\":\"track\",\"messageId\":\"").Append(prefix).Append('-').Append(b).Append('-').Append(i)
              .Append("\",\"userId\":\"u-").Append(user).Append("\",\"event\":\"").Append(Names[(b + i) % Names.Length])
              .Append("\",\"timestamp\":\"").Append(now)
              .Append("\",\"properties\":{\"format\":\"xlsx\",\"module\":\"reports\",\"rows\":").Append(i * 13)
              .Append(",\"plan\":\"enterprise\",\"page\":\"/reports/monthly-sales\"},\"context\":{\"library\":{\"name\":\"analytics-node\",\"version\":\"3.1.0\"},\"ip\":\"10.0.0.")
              .Append(i).Append("\",\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"}}");
        }
        return sb.Append("]}").ToString();
    }

    private static async Task<string> RunCliAsync(string dll, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pharos {string.Join(' ', args)} failed: {await p.StandardError.ReadToEndAsync()}");
        return output;
    }

    /// <summary>The app as built for running (src/Pharos/bin/Release): the copy beside the bench lacks its runtime config.</summary>
    private static string PharosDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "Pharos", "bin", "Release", "net10.0", "Pharos.dll");
            if (File.Exists(dll)) return dll;
        }
        throw new InvalidOperationException("Build the app first: dotnet build src/Pharos -c Release");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
