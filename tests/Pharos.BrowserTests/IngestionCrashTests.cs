using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Xunit;
using Xunit.Abstractions;

namespace Pharos.BrowserTests;

/// <summary>
/// The promise behind Pharos's 200: an acknowledged event is on disk. A client streams batches the way Segment's
/// libraries do (resend the same batch, same messageIds, until it is acknowledged), Pharos is SIGKILLed mid-stream
/// and started again on the same data directory, and the DuckDB file must then hold every event exactly once.
/// Not a browser test and needs no Chromium; it lives here because this project runs Pharos as a real process.
/// </summary>
public sealed class IngestionCrashTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int BatchesPerSender = 25;
    private const int EventsPerBatch = 100;
    private const int AckedBeforeKill = 12;

    [Fact]
    public async Task Every_event_acknowledged_around_a_SIGKILL_and_restart_is_stored_exactly_once()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var work = Directory.CreateTempSubdirectory("pharos-crash-").FullName;
        var data = Path.Combine(work, "data");
        var port = PharosProcess.FreePort();
        var clock = Stopwatch.StartNew();
        var outputs = new StringBuilder();
        PharosProcess? pharos = null;
        try
        {
            pharos = await PharosProcess.StartAsync(data, seed: "Demo", port: port);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: Pharos started (demo seed) at {pharos.BaseUrl}");
            Guid sourceId;
            string writeKey;
            using (var api = await pharos.ApiClientAsync("admin@pharos.demo"))
            {
                using var created = await api.PostAsJsonAsync("/api/analytics/sources", new { name = $"crash {run}" });
                var body = await created.Content.ReadAsStringAsync();
                Assert.True(created.StatusCode == HttpStatusCode.Created, body);
                var source = JsonDocument.Parse(body).RootElement;
                sourceId = source.GetProperty("id").GetGuid();
                writeKey = source.GetProperty("writeKey").GetString()!;
            }

            // Short timeouts: a request to a dead process must fail fast so the sender goes on retrying.
            using var http = new HttpClient { BaseAddress = pharos.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
            var acked = new ConcurrentQueue<Batch>();
            var inFlight = new InFlight();
            var batches = Enumerable.Range(0, Senders).SelectMany(s => Enumerable.Range(0, BatchesPerSender).Select(b => new Batch(run, s, b))).ToList();
            var senders = Enumerable.Range(0, Senders)
                .Select(s => Task.Run(() => SendAllAsync(http, batches.Where(b => b.Sender == s).ToList(), clock, acked, inFlight, stop.Token)))
                .ToArray();

            // Several senders without pause, and the kill waits for a request on the wire: it lands mid-request.
            while (acked.Count < AckedBeforeKill || inFlight.Count == 0)
            {
                if (senders.FirstOrDefault(t => t.IsFaulted) is { } failed) await failed;
                Assert.False(stop.IsCancellationRequested, $"Fewer than {AckedBeforeKill} batches were acknowledged in time. Pharos:\n{pharos.Output}");
                await Task.Delay(5);
            }
            await pharos.KillAsync();
            var killedAt = clock.Elapsed;
            // Every acknowledgement counted now was answered by the process that was just killed.
            var beforeKill = acked.ToArray();
            // Sent to the killed process and never answered: they may or may not have been committed, which is the case
            // dedup by messageId exists for. Not asserted: whether the signal catches one is a race the test cannot win every time.
            var cutOff = batches.Where(b => b.FirstSentAt is { } t && t < killedAt && b.AckedAt is null).Select(b => b.Name).ToList();
            output.WriteLine($"{killedAt.TotalSeconds:F1} s: SIGKILL after {beforeKill.Length} acknowledged batches; sent to it and never answered: {(cutOff.Count == 0 ? "none" : string.Join(", ", cutOff))}");
            outputs.AppendLine("--- first process ---").AppendLine(pharos.Output);
            await pharos.DisposeAsync();

            pharos = await PharosProcess.StartAsync(data, seed: "Demo", port: port);
            var restartedAt = clock.Elapsed;
            output.WriteLine($"{restartedAt.TotalSeconds:F1} s: Pharos restarted on the same data directory and port");

            // A client that lost an acknowledgement sends the batch again: after the restart only the file knows it was kept.
            var replayed = beforeKill[0];
            using (var again = await http.PostAsync("/v1/batch", replayed.Content()))
                Assert.True(again.IsSuccessStatusCode, $"Resending {replayed.Name} after the restart answered {(int)again.StatusCode}: {await again.Content.ReadAsStringAsync()}");

            await Task.WhenAll(senders);
            var sentAfterRestart = batches.Count(b => b.FirstSentAt > restartedAt);
            var resent = batches.Where(b => b.Attempts > 1).ToList();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: all {batches.Count} batches acknowledged; {sentAfterRestart} first sent after the restart; " +
                $"{resent.Count} needed more than one attempt ({string.Join(", ", resent.Select(b => $"{b.Name}×{b.Attempts}"))})");
            await pharos.StopAsync();
            outputs.AppendLine("--- second process ---").AppendLine(pharos.Output);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: Pharos stopped with SIGTERM (exit code {pharos.ExitCode})");

            // The test must have exercised both sides of the crash.
            Assert.NotEmpty(beforeKill);
            Assert.True(sentAfterRestart > 0, "No batch was first sent after the restart: the kill came too late to test anything.");
            Assert.True(resent.Count > 0, "No batch was resent: the senders never saw Pharos down.");

            var stored = await StoredAsync(pharos.EventsDuckDb, sourceId);
            var duplicates = stored.Where(r => r.Value.Copies > 1).Select(r => $"{r.Key}×{r.Value.Copies}").ToList();
            Assert.True(duplicates.Count == 0, $"Stored more than once: {string.Join(", ", duplicates.Take(20))}");
            var ackedIds = acked.SelectMany(b => b.MessageIds).ToHashSet();
            var lost = ackedIds.Where(id => !stored.ContainsKey(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged events are missing, e.g. {string.Join(", ", lost.Take(10))}. Pharos:\n{outputs}");
            // Every batch was acknowledged in the end, so the store holds exactly what was sent, nothing else.
            Assert.Equal(batches.Count * EventsPerBatch, ackedIds.Count);
            Assert.Equal(ackedIds.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
            // WAL replay gave back whole rows, not just ids.
            Assert.All(stored, r => Assert.Equal(Batch.Expected(r.Key), r.Value.Row));
        }
        finally
        {
            if (pharos is not null) await pharos.DisposeAsync();
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>One sender: its batches in order, each resent as it is (same messageIds, new sentAt) until acknowledged.</summary>
    private static async Task SendAllAsync(HttpClient http, List<Batch> batches, Stopwatch clock, ConcurrentQueue<Batch> acked, InFlight inFlight, CancellationToken ct)
    {
        foreach (var batch in batches)
        {
            batch.FirstSentAt = clock.Elapsed;
            while (true)
            {
                batch.Attempts++;
                inFlight.Enter();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = batch.Content() };
                    if (batch.Attempts > 1) request.Headers.Add("X-Retry-Count", (batch.Attempts - 1).ToString(CultureInfo.InvariantCulture));
                    using var response = await http.SendAsync(request, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        batch.AckedAt = clock.Elapsed;
                        acked.Enqueue(batch);
                        break;
                    }
                    // Segment's clients retry 429 and 5xx; anything else means this test sends something wrong.
                    if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                        throw new InvalidOperationException($"{batch.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }
                catch (HttpRequestException) { /* refused or reset: Pharos is down */ }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { /* timed out */ }
                finally { inFlight.Leave(); }
                await Task.Delay(200, ct);
            }
        }
    }

    private sealed class InFlight
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Enter() => Interlocked.Increment(ref _count);
        public void Leave() => Interlocked.Decrement(ref _count);
    }

    private sealed record StoredRow(int Copies, string Row);

    /// <summary>Read after Pharos exited: DuckDB lets one process at a time open the file.</summary>
    private static async Task<Dictionary<string, StoredRow>> StoredAsync(string file, Guid source)
    {
        await using var db = new DuckDBConnection($"Data Source={file};ACCESS_MODE=READ_ONLY");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            SELECT message_id, count(*), min(type || '|' || user_id || '|' || event || '|' || CAST(properties AS VARCHAR))
            FROM events WHERE source_id = $source GROUP BY message_id
            """;
        cmd.Parameters.Add(new DuckDBParameter("source", source));
        var rows = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows[r.GetString(0)] = new StoredRow((int)r.GetInt64(1), r.GetString(2));
        return rows;
    }

    private sealed class Batch(string run, int sender, int number)
    {
        public int Sender => sender;
        public string Name => $"s{sender}b{number}";
        public TimeSpan? FirstSentAt { get; set; }
        public TimeSpan? AckedAt { get; set; }
        public int Attempts { get; set; }

        public IEnumerable<string> MessageIds => Enumerable.Range(0, EventsPerBatch).Select(i => $"crash-{run}-{sender}-{number}-{i}");

        /// <summary>The same messages on every attempt; sentAt is the attempt's own, as Segment's clients send it.</summary>
        public StringContent Content()
        {
            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var events = Enumerable.Range(0, EventsPerBatch).Select(i => new Dictionary<string, object>
            {
                ["type"] = "track", ["messageId"] = $"crash-{run}-{sender}-{number}-{i}", ["userId"] = $"crash-user-{sender}-{i % 7}",
                ["event"] = "Crash Test Event", ["timestamp"] = now, ["properties"] = new { sender, batch = number, i, label = "断电测试" },
            });
            return new StringContent(JsonSerializer.Serialize(new { batch = events, sentAt = now }), Encoding.UTF8, "application/json");
        }

        /// <summary>What the row of a messageId must hold, as StoredAsync renders it.</summary>
        public static string Expected(string messageId)
        {
            var parts = messageId.Split('-');
            var (sender, number, i) = (int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture), int.Parse(parts[4], CultureInfo.InvariantCulture));
            return $$"""track|crash-user-{{sender}}-{{i % 7}}|Crash Test Event|{"sender":{{sender}},"batch":{{number}},"i":{{i}},"label":"\u65AD\u7535\u6D4B\u8BD5"}""";
        }
    }
}
