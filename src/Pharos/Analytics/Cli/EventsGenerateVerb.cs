using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pharos.Analytics.Store;
using Pharos.Customers.Public;
using Pharos.Platform.Cli;
using Pharos.Seeding.Demo;

namespace Pharos.Analytics.Cli;

/// <summary>
/// <c>events generate --count N --out FILE [--accounts N] [--days 90] [--seed 1] [--now ISO-TIME] [--chunk 50000] [--force]</c>:
/// fills a new DuckDB file with synthetic accounts (<c>acc-000001</c>…) and the demo generator's events at scale, for
/// benchmarks. The users per account are scaled so that exactly N events span the whole window.
/// </summary>
/// <remarks>
/// DuckDB lets one process hold a file, so the verb only writes a file of its own: it refuses an existing one unless
/// told to replace it, and never replaces one another process holds (a running Pharos).
/// </remarks>
internal sealed class EventsGenerateVerb : ICliVerb
{
    private const string Usage = "Usage: pharos events generate --count <events> --out <new .duckdb file> [--accounts <n>] [--days 90] [--seed 1] [--now <ISO time>] [--chunk 50000] [--force]";

    public string Name => "events";

    async Task<int> ICliVerb.RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try { return await RunAsync(args, Console.Out, Console.Error, cts.Token); }
        finally { Console.CancelKeyPress -= cancel; }
    }

    /// <summary>Runs the verb; progress goes to <paramref name="progress"/>, the summary line to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter progress, CancellationToken ct)
    {
        if (args is not ["events", "generate", ..])
        {
            await progress.WriteLineAsync(Usage);
            return 2;
        }
        Options o;
        try { o = Options.Parse(args); }
        catch (ArgumentException e)
        {
            await progress.WriteLineAsync(e.Message);
            await progress.WriteLineAsync(Usage);
            return 2;
        }
        if (!await ClaimAsync(o.Path, o.Force, progress)) return 1;

        var accounts = SyntheticAccounts(o.Accounts, o.Seed);
        var plan = new DemoEventPlan
        {
            SourceId = new Guid(System.IO.Hashing.XxHash128.Hash(BitConverter.GetBytes(o.Seed))),
            Now = o.Now,
            Days = o.Days,
            Seed = o.Seed,
            Accounts = [.. accounts.Select(a => a.Account)],
            // About one account in fifty fades and one in two hundred stops, as in the demo book.
            FadingAccounts = Math.Max(4, o.Accounts / 50),
            StoppedAccounts = Math.Max(1, o.Accounts / 200),
        };
        var clock = Stopwatch.StartNew();
        (plan, var planned) = Calibrate(plan, o.Count);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{o.Accounts:N0} accounts × {plan.UserScale:0.###} users per account over {o.Days} days give {planned:N0} events (planned in {clock.Elapsed.TotalSeconds:F1} s); writing {Math.Min(planned, o.Count):N0} to {o.Path}"));
        if (planned < o.Count)
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The plan holds only {planned:N0} events; writing them all."));
        else if (planned > o.Count * 1.05)
            await progress.WriteLineAsync("With one user per account this plan is still larger than --count, so its last days are cut off; fewer --accounts would spread the events over the whole window.");

        clock.Restart();
        long written;
        // The generator's message ids are new by construction: no dedup window, whose memory grows with every event.
        await using (var store = new DuckDbEventStore(o.Path, 0, TimeProvider.System, NullLogger<DuckDbEventStore>.Instance))
        {
            await store.InitializeAsync(ct);
            await store.SyncAccountsAsync([.. accounts.Select(a => a.Dimension)], ct);
            var lastReport = TimeSpan.Zero;
            var lastMaintenance = TimeSpan.Zero;
            long reported = 0;
            Task maintenance = Task.CompletedTask;
            try
            {
                written = await DemoEvents.AppendAsync(store, DemoEvents.Generate(plan), o.Chunk, o.Count, async (total, last) =>
                {
                    var now = clock.Elapsed;
                    if (now - lastReport >= TimeSpan.FromSeconds(3))
                    {
                        var rate = (total - reported) / (now - lastReport).TotalSeconds;
                        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"{total,14:N0} events ({100.0 * total / o.Count,5:F1}%)  {rate,9:N0} events/s now  {total / now.TotalSeconds,9:N0} events/s overall  through {last.Timestamp.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}"));
                        (lastReport, reported) = (now, total);
                    }
                    // The store's upkeep, beside the writes as the server runs it: checkpoint the WAL and forget the
                    // dedup keys of days already written (the generator writes day by day, its ids are unique).
                    if (maintenance.IsCompleted && now - lastMaintenance >= TimeSpan.FromSeconds(15))
                    {
                        await maintenance;
                        lastMaintenance = now;
                        maintenance = store.MaintainAsync(last.ReceivedAt, ct);
                    }
                }, ct);
            }
            catch (OperationCanceledException)
            {
                await progress.WriteLineAsync("Cancelled; the file keeps what was committed.");
                return 130;
            }
            finally
            {
                try { await maintenance; }
                catch (OperationCanceledException) { /* cancelled with the run */ }
            }
        }
        clock.Stop();
        var size = new FileInfo(o.Path).Length;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"events generate: {written:N0} events, {o.Accounts:N0} accounts, {o.Days} days to {o.Now:yyyy-MM-dd HH:mm}Z, seed {o.Seed} → {o.Path} ({size / 1048576.0:N0} MB) in {clock.Elapsed.TotalSeconds:F1} s: {written / clock.Elapsed.TotalSeconds:N0} events/s"));
        return 0;
    }

    /// <summary>
    /// Finds the users-per-account scale whose plan yields at least <paramref name="count"/> events and at most a
    /// fraction more, so cutting at the count loses only the last hours. The count-only simulation is exact and cheap.
    /// </summary>
    private static (DemoEventPlan Plan, long Events) Calibrate(DemoEventPlan plan, long count)
    {
        (DemoEventPlan Plan, long Events)? best = null;
        var events = DemoEvents.Count(plan);
        for (var i = 0; i < 8; i++)
        {
            if (events >= count && (best is null || events < best.Value.Events)) best = (plan, events);
            if (events >= count && events <= count * 1.005) break;
            // Aim a little high: rounding users to whole people makes the count a staircase in the scale.
            plan = plan with { UserScale = plan.UserScale * count * 1.002 / Math.Max(events, 1) };
            events = DemoEvents.Count(plan);
        }
        return best ?? (plan, events);
    }

    /// <summary>Makes sure the file is new, or replaceable: refused when it exists without --force, or when another process holds it.</summary>
    private static async Task<bool> ClaimAsync(string path, bool force, TextWriter progress)
    {
        var wal = path + ".wal";
        if (!File.Exists(path) && !File.Exists(wal))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return true;
        }
        if (!force)
        {
            await progress.WriteLineAsync($"{path} exists. This verb writes a new file; pass --force to replace it.");
            return false;
        }
        if (File.Exists(path))
        {
            // Deleting a file a running Pharos holds would quietly lose its data (it keeps writing to the unlinked
            // file), so first take DuckDB's lock: it fails when another process has the file open.
            try
            {
                await using var conn = new DuckDBConnection($"Data Source={path}");
                await conn.OpenAsync();
            }
            catch (DuckDBException e)
            {
                await progress.WriteLineAsync($"{path} cannot be replaced: {e.Message}");
                return false;
            }
        }
        File.Delete(path);
        File.Delete(wal);
        return true;
    }

    private sealed record Synthetic(DemoEventAccount Account, AccountDimension Dimension);

    /// <summary>Accounts shaped like the demo book: Chinese company names, most of them small (tiers 4/12/30/54%).</summary>
    private static List<Synthetic> SyntheticAccounts(int n, int seed)
    {
        var rng = new Random(seed);
        var names = new HashSet<string>();
        var list = new List<Synthetic>(n);
        for (var i = 1; i <= n; i++)
        {
            var (region, cities) = DemoWords.Regions[rng.Weighted(DemoWords.RegionWeights)];
            var (industry, suffixes) = DemoWords.Industries[rng.Next(DemoWords.Industries.Length)];
            var city = cities[rng.Next(cities.Length)];
            var name = $"{city}{DemoWords.Brands[rng.Next(DemoWords.Brands.Length)]}{suffixes[rng.Next(suffixes.Length)]}有限公司";
            if (!names.Add(name)) name = $"{city}{DemoWords.Brands[rng.Next(DemoWords.Brands.Length)]}{suffixes[rng.Next(suffixes.Length)]}{i}号有限公司";
            var tier = (Tier)rng.Weighted([4, 12, 30, 54]);
            var seats = (int)Math.Round(tier switch { Tier.S => 400, Tier.A => 120, Tier.B => 40, _ => 10 } * Math.Exp(0.6 * rng.Gaussian()));
            var externalId = $"acc-{i:D6}";
            var id = new Guid(System.IO.Hashing.XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(externalId), seed));
            list.Add(new Synthetic(new DemoEventAccount(externalId, name, tier, Math.Max(1, seats)), new AccountDimension(externalId, id, name, tier.ToString(), industry, region)));
        }
        return list;
    }

    private sealed record Options(long Count, string Path, int Accounts, int Days, int Seed, DateTimeOffset Now, int Chunk, bool Force)
    {
        public static Options Parse(string[] args)
        {
            var count = Number(args, "--count") ?? throw new ArgumentException("--count <events> is required.");
            var path = Value(args, "--out") ?? throw new ArgumentException("--out <file> is required.");
            if (count < 1) throw new ArgumentException("--count must be at least 1.");
            // By default one account per 50,000 events (10 to 2,000), so small runs still have several users per account.
            var accounts = Number(args, "--accounts") ?? Math.Clamp(count / 50_000, 10, 2_000);
            var days = Number(args, "--days") ?? 90;
            var chunk = Number(args, "--chunk") ?? 50_000;
            if (accounts is < 1 or > 1_000_000) throw new ArgumentException("--accounts must be between 1 and 1,000,000.");
            if (days is < 1 or > 3_650) throw new ArgumentException("--days must be between 1 and 3,650.");
            if (chunk is < 100 or > 1_000_000) throw new ArgumentException("--chunk must be between 100 and 1,000,000.");
            var now = Value(args, "--now") is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime() : throw new ArgumentException($"--now: '{text}' is not a time.")
                : DateTimeOffset.UtcNow;
            return new Options(count, System.IO.Path.GetFullPath(path), (int)accounts, (int)days, (int)(Number(args, "--seed") ?? 1), now, (int)chunk, args.Contains("--force"));
        }

        private static string? Value(string[] args, string name)
        {
            var i = Array.IndexOf(args, name);
            if (i < 0) return null;
            return i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
        }

        private static long? Number(string[] args, string name) => Value(args, name) is { } v
            ? long.TryParse(v.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name}: '{v}' is not a whole number.")
            : null;
    }
}
