using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Pharos.Analytics.Store;
using Pharos.Customers.Public;

namespace Pharos.Seeding.Demo;

/// <summary>
/// An account as the event generator sees it, so the generator needs no database: the external id that group calls
/// carry, its name (group traits), its tier and its licensed seats, which cap its users before scaling (0 = no cap).
/// </summary>
internal sealed record DemoEventAccount(string ExternalId, string Name, Tier Tier, int Seats);

/// <summary>What to generate. The same plan gives the same events, message ids included.</summary>
internal sealed record DemoEventPlan
{
    public required Guid SourceId { get; init; }
    /// <summary>The window ends here; nothing is received after it.</summary>
    public required DateTimeOffset Now { get; init; }
    public required IReadOnlyList<DemoEventAccount> Accounts { get; init; }
    /// <summary>Days in the window, counted in Shanghai dates, today included.</summary>
    public int Days { get; init; } = 90;
    /// <summary>Multiplies every account's users, and the anonymous website traffic with them: the volume knob.</summary>
    public double UserScale { get; init; } = 1;
    public int Seed { get; init; } = 20261127;
    /// <summary>Accounts whose weekly active users fall by 50–80% in the last 3–4 weeks.</summary>
    public int FadingAccounts { get; init; } = 4;
    /// <summary>Accounts that stop using the product altogether 3–4 weeks before the end.</summary>
    public int StoppedAccounts { get; init; } = 1;
}

/// <summary>
/// An account whose usage the plan makes decline. <paramref name="From"/> is the start of the Shanghai day the decline
/// begins; after <paramref name="QuietFrom"/> the departing users (every user when <paramref name="Stops"/>) are gone.
/// </summary>
internal sealed record DemoDecline(string ExternalId, Tier Tier, bool Stops, DateTimeOffset From, DateTimeOffset QuietFrom, int Users, int UsersStaying);

/// <summary>
/// Product and website events for demo accounts, shaped as Segment's libraries send them (analytics-node for the
/// product's server, analytics.js for the website): each user identifies and joins their account with a group call
/// on first use, works in weekday office hours (Asia/Shanghai), and walks a real funnel (<see cref="SignedIn"/> →
/// <see cref="ReportCreated"/> → <see cref="ReportExported"/> at about 60% and 40%); the website gets search, social
/// and direct visits whose bounce and click rates depend on the keyword, and visitors who later sign in link their
/// anonymous page views to their user. A few accounts fade and one stops (<see cref="Declines"/>), so a usage-decline
/// signal has something true to find.
/// </summary>
/// <remarks>
/// Deterministic and database-free. A simulation decides who does what when on one seeded random stream per account;
/// the details that change no count or time (ids, property values, delays) come from a second stream, so
/// <see cref="Count"/> can run the simulation without building a single event and predict exactly how many
/// <see cref="Generate"/> yields. Events come out day by day, so a store fills in roughly time order.
/// </remarks>
internal static class DemoEvents
{
    public const string SignedIn = "Signed In";
    public const string ReportCreated = "Report Created";
    public const string ReportExported = "Report Exported";
    public const string CtaClicked = "CTA Clicked";

    /// <summary>Share of users who create reports, and of those who also export them: the funnel's two step conversions.</summary>
    public const double ReportCreators = 0.6, ReportExporters = 0.4;

    public static IEnumerable<TrackedEvent> Generate(DemoEventPlan plan)
    {
        // A simulation is used up by one pass; each enumeration gets its own, so every pass yields the same events.
        foreach (var e in new Simulation(plan, materialize: true).Run()) yield return e;
    }

    /// <summary>Exactly how many events <see cref="Generate"/> yields for the plan, at a small fraction of the cost.</summary>
    public static long Count(DemoEventPlan plan)
    {
        var sim = new Simulation(plan, materialize: false);
        foreach (var _ in sim.Run()) { }
        return sim.Emitted;
    }

    /// <summary>The accounts the plan makes fade or stop, for tests and screens that check the decline signal finds them.</summary>
    public static IReadOnlyList<DemoDecline> Declines(DemoEventPlan plan) => new Simulation(plan, materialize: false).Declines;

    /// <summary>Seeds a store with the plan's events: what the demo start calls.</summary>
    public static Task<long> AppendAsync(IEventStore store, DemoEventPlan plan, CancellationToken ct) =>
        AppendAsync(store, Generate(plan), 20_000, long.MaxValue, null, ct);

    /// <summary>
    /// Appends events to a store in chunks, generating the next chunk on another thread while the store commits the
    /// last one. Stops after <paramref name="limit"/> events; <paramref name="afterChunk"/> sees the running total and
    /// the chunk's last event.
    /// </summary>
    public static async Task<long> AppendAsync(IEventStore store, IEnumerable<TrackedEvent> events, int chunkSize, long limit,
        Func<long, TrackedEvent, Task>? afterChunk, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        // Two chunks in flight: enough to overlap generation with the commit, little enough to bound memory.
        var channel = Channel.CreateBounded<TrackedEvent[]>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                var chunk = new TrackedEvent[(int)Math.Min(chunkSize, Math.Max(limit, 1))];
                var n = 0;
                long produced = 0;
                using (var e = events.GetEnumerator())
                {
                    while (produced < limit && e.MoveNext())
                    {
                        chunk[n++] = e.Current;
                        produced++;
                        if (n < chunk.Length) continue;
                        await channel.Writer.WriteAsync(chunk, stop.Token);
                        chunk = new TrackedEvent[(int)Math.Min(chunkSize, Math.Max(limit - produced, 1))];
                        n = 0;
                    }
                }
                if (n > 0) await channel.Writer.WriteAsync(chunk[..n], stop.Token);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        long written = 0;
        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(ct))
            {
                written += await store.AppendAsync(chunk, ct);
                if (afterChunk is not null) await afterChunk(written, chunk[^1]);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
        return written;
    }

    private const int Admin = 0, Member = 1, Decider = 2;
    private static readonly string[] RoleNames = ["管理员", "业务用户", "决策者"];
    private static readonly ContactRole[] RoleTitles = [ContactRole.Administrator, ContactRole.BusinessUser, ContactRole.DecisionMaker];
    private static readonly string[] Plans = ["旗舰版", "企业版", "专业版", "标准版"];
    private static readonly string[] Clients = ["web", "企业微信", "钉钉", "ios", "android"];
    private static readonly int[] ClientWeights = [66, 14, 10, 5, 5];
    private static readonly double[] Activity = [0.85, 0.55, 0.25];
    private static readonly int[] ActivityWeights = [25, 45, 30];

    /// <summary>What a user does in a session besides signing in and the report funnel, weighted per role (admin, member, decider).</summary>
    private sealed record ProductAction(string Name, string Module, string Path, int Admin, int Member, int Decider);

    private static readonly ProductAction[] Actions =
    [
        new("Dashboard Viewed", "dashboard", "/app/dashboard", 200, 300, 450),
        new("Search Performed", "search", "/app/search", 80, 180, 50),
        new("Record Updated", "records", "/app/records", 100, 220, 20),
        new("Approval Submitted", "approvals", "/app/approvals/new", 30, 100, 20),
        new("Approval Approved", "approvals", "/app/approvals", 20, 10, 180),
        new("Approval Flow Created", "approvals", "/app/settings/approvals", 40, 3, 5),
        new("Data Imported", "data", "/app/data/import", 50, 15, 0),
        new("Member Invited", "settings", "/app/settings/members", 25, 0, 5),
        new("API Key Created", "developer", "/app/settings/api-keys", 8, 0, 0),
        new("Ticket Submitted", "support", "/app/support/new", 12, 15, 3),
        new("Settings Updated", "settings", "/app/settings", 40, 0, 2),
    ];
    private static readonly int[][] ActionCumulative =
        [Cumulative(Actions.Select(a => a.Admin)), Cumulative(Actions.Select(a => a.Member)), Cumulative(Actions.Select(a => a.Decider))];

    private static readonly string[] ReportTypes = ["销售日报", "门店业绩", "库存周报", "财务月结", "采购明细", "会员分析"];
    private static readonly string[] Formats = ["xlsx", "csv", "pdf"];
    private static readonly int[] FormatCumulative = Cumulative([55, 25, 20]);

    /// <summary>Hour-of-day weights, Shanghai time: office hours with a lunch dip; weekends flatter and lower; the website into the evening.</summary>
    private static readonly int[] WorkHours = Cumulative([1, 0, 0, 0, 0, 1, 3, 8, 22, 40, 46, 40, 20, 18, 36, 42, 40, 32, 16, 10, 8, 6, 4, 2]);
    private static readonly int[] WeekendHours = Cumulative([2, 1, 0, 0, 0, 1, 2, 4, 8, 12, 14, 14, 12, 12, 12, 12, 10, 10, 10, 10, 10, 8, 5, 3]);
    private static readonly int[] WebHours = Cumulative([3, 2, 1, 1, 1, 2, 4, 10, 20, 30, 34, 30, 22, 24, 30, 32, 30, 26, 20, 22, 24, 20, 12, 6]);

    private const string Site = "https://www.yunshu-cx.cn";

    private sealed record WebPage(string Path, string Title)
    {
        public string Url { get; } = Site + Path;
    }

    private static readonly WebPage HomePage = new("/", "云枢 - B2B 客户运营平台");
    private static readonly WebPage PricingPage = new("/pricing", "价格方案 | 云枢");
    private static readonly WebPage TicketsPage = new("/features/tickets", "工单与 SLA 管理 | 云枢");
    private static readonly WebPage AnalyticsPage = new("/features/analytics", "产品数据分析 | 云枢");
    private static readonly WebPage SaasPage = new("/solutions/saas", "SaaS 企业客户成功解决方案 | 云枢");
    private static readonly WebPage CustomersPage = new("/customers", "客户案例 | 云枢");
    private static readonly WebPage DocsPage = new("/docs/getting-started", "快速开始 | 云枢帮助中心");
    private static readonly WebPage SignupPage = new("/signup", "申请试用 | 云枢");
    private static readonly WebPage LoginPage = new("/login", "登录 | 云枢");
    private static readonly WebPage[] Browse = [PricingPage, TicketsPage, AnalyticsPage, SaasPage, CustomersPage, DocsPage, HomePage];
    private static readonly int[] BrowseCumulative = Cumulative([30, 20, 15, 15, 12, 8, 5]);

    /// <summary>
    /// Where a website visit comes from. The bounce rate (single-page visits) and the click rate (of visits that did
    /// not bounce) depend on the keyword's intent: a price search converts, "免费 CRM" mostly bounces.
    /// </summary>
    private sealed class TrafficSource
    {
        public required string Referrer { get; init; }
        public required WebPage Landing { get; init; }
        public required double Bounce { get; init; }
        public required double Cta { get; init; }
        public required int Weight { get; init; }
        public bool Mobile { get; init; }
        public string? Source { get; init; }
        public string? Medium { get; init; }
        public string? Campaign { get; init; }
        public string? Term { get; init; }
        public string? Content { get; init; }

        private string? _search;
        public string Search => _search ??= Source is null ? "" : "?" + string.Join('&', new[]
        {
            ("utm_source", Source), ("utm_medium", Medium), ("utm_campaign", Campaign), ("utm_term", Term), ("utm_content", Content),
        }.Where(p => p.Item2 is not null).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));
    }

    private static TrafficSource Paid(string term, string campaign, WebPage landing, double bounce, double cta, int weight) => new()
    {
        Source = "baidu", Medium = "cpc", Campaign = campaign, Term = term, Referrer = "https://www.baidu.com/", Landing = landing, Bounce = bounce, Cta = cta, Weight = weight,
    };

    private static readonly TrafficSource[] Sources =
    [
        Paid("客户成功管理系统", "2026Q4_搜索_核心词", SaasPage, 0.32, 0.22, 14),
        Paid("工单系统 SLA", "2026Q4_搜索_核心词", TicketsPage, 0.40, 0.16, 12),
        Paid("B2B 客户分层", "2026Q4_搜索_长尾词", SaasPage, 0.58, 0.08, 8),
        Paid("客服工单系统 价格", "2026Q4_搜索_核心词", PricingPage, 0.28, 0.25, 9),
        Paid("客户流失预警", "2026Q4_搜索_长尾词", HomePage, 0.50, 0.10, 6),
        Paid("免费 CRM", "2026Q4_搜索_泛词", HomePage, 0.78, 0.03, 8),
        Paid("Gainsight 替代", "2026Q4_搜索_竞品词", HomePage, 0.38, 0.18, 3),
        new() { Source = "zhihu", Medium = "social", Campaign = "知乎_问答_ToB运营", Term = "SaaS 续费率", Referrer = "https://www.zhihu.com/", Landing = SaasPage, Bounce = 0.62, Cta = 0.07, Weight = 6, Mobile = true },
        new() { Source = "zhihu", Medium = "social", Campaign = "知乎_问答_ToB运营", Term = "ToB 运营 数据指标", Referrer = "https://www.zhihu.com/", Landing = AnalyticsPage, Bounce = 0.55, Cta = 0.09, Weight = 5, Mobile = true },
        new() { Source = "wechat", Medium = "social", Campaign = "公众号_客户成功白皮书", Content = "article_1104", Referrer = "https://mp.weixin.qq.com/", Landing = SaasPage, Bounce = 0.47, Cta = 0.12, Weight = 10, Mobile = true },
        new() { Referrer = "https://www.baidu.com/", Landing = HomePage, Bounce = 0.45, Cta = 0.10, Weight = 7 },
        new() { Referrer = "https://cn.bing.com/", Landing = HomePage, Bounce = 0.42, Cta = 0.11, Weight = 3 },
        new() { Referrer = "", Landing = HomePage, Bounce = 0.36, Cta = 0.14, Weight = 12 },
    ];
    private static readonly int[] SourceCumulative = Cumulative(Sources.Select(c => c.Weight));
    private static readonly TrafficSource Returning = new() { Referrer = "", Landing = PricingPage, Bounce = 0.30, Cta = 0.20, Weight = 0 };

    private static readonly string[] DesktopAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.95 Safari/537.36 QIHU 360SE",
    ];
    private static readonly string[] MobileAgents =
    [
        "Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 MicroMessenger/8.0.54.2760(0x28003637) NetType/WIFI Language/zh_CN",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.53(0x18003531) NetType/4G Language/zh_CN",
        "Mozilla/5.0 (Linux; Android 14; PJZ110) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    ];

    private const string ServerContext = """{"library":{"name":"analytics-node","version":"3.1.0"}}""";
    private const string WebLibrary = """{"name":"analytics.js","version":"npm:next-1.84.3"}""";

    private static int[] Cumulative(IEnumerable<int> weights)
    {
        var sum = 0;
        return [.. weights.Select(w => sum += w)];
    }

    private static int Pick(Random r, int[] cumulative)
    {
        var x = r.Next(cumulative[^1]);
        var i = 0;
        while (x >= cumulative[i]) i++;
        return i;
    }

    private static ulong Hash(int seed, string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), seed);

    /// <summary>The detail stream: SplitMix64, cheap and good enough for ids and property values.</summary>
    private sealed class Mix(ulong seed)
    {
        private ulong _s = seed;

        public ulong Next()
        {
            var z = _s += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Below(int n) => (int)((Next() >> 33) % (ulong)n);
        public int Between(int lo, int hi) => lo + Below(hi - lo);
        public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));
        public int LogNormal(double median, double sigma) =>
            (int)Math.Round(median * Math.Exp(sigma * Math.Sqrt(-2 * Math.Log(1 - Unit())) * Math.Cos(2 * Math.PI * Unit())));

        public Guid Uuid()
        {
            Span<byte> b = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(b, Next());
            BinaryPrimitives.WriteUInt64LittleEndian(b[8..], Next());
            b[7] = (byte)((b[7] & 0x0F) | 0x40); // version 4, as the libraries' uuid()
            b[8] = (byte)((b[8] & 0x3F) | 0x80);
            return new Guid(b);
        }
    }

    private sealed class User
    {
        public required string Id { get; init; }
        public required string AnonymousId { get; init; }
        public required string Name { get; init; }
        public required string Email { get; init; }
        public required int Role { get; init; }
        public required string Title { get; init; }
        public required string Client { get; init; }
        public required double Activity { get; init; }
        public required bool Reporter { get; init; }
        public required bool Exporter { get; init; }
        public required bool WebFirst { get; init; }
        public required bool Mobile { get; init; }
        public required int Agent { get; init; }
        public int StartDay { get; set; }
        public int PreVisitDay { get; set; } = -1;
        public int StopDay { get; set; } = int.MaxValue;
        public double Fade { get; set; } = 1;
        public bool Identified { get; set; }
    }

    private sealed class AccountSim
    {
        public required DemoEventAccount Account { get; init; }
        public required Random Rng { get; init; }
        public required Mix Detail { get; init; }
        public required User[] Users { get; init; }
        public required ulong Order { get; init; }
        public string Plan => Plans[(int)Account.Tier];
        public int FadeDay { get; set; } = int.MaxValue;
        public string? GroupTraits { get; set; }
    }

    /// <summary>Someone on the website: an anonymous visitor, or a user whose browser already knows them.</summary>
    private readonly record struct Visitor(string? AnonymousId, string? UserId, bool Mobile, int Agent);

    private sealed class Simulation
    {
        private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
        private const long Second = TimeSpan.TicksPerSecond;
        private const long MaxDelay = 5 * Second;
        private readonly DemoEventPlan _plan;
        private readonly Writer? _writer;
        private readonly AccountSim[] _accounts;
        private readonly Random _webRng;
        private readonly Mix _webDetail;
        private readonly string?[] _returning = new string?[512];
        private int _returningCount;
        private readonly DateTime _firstDate;
        private readonly long _cutoff;
        private readonly double _webVisitsPerDay;
        private readonly List<TrackedEvent> _out = new(4096);
        private int _day;

        public long Emitted { get; private set; }
        public IReadOnlyList<DemoDecline> Declines { get; }

        public Simulation(DemoEventPlan plan, bool materialize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(plan.Days, 1);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plan.UserScale);
            _plan = plan;
            _writer = materialize ? new Writer(plan) : null;
            _firstDate = plan.Now.ToOffset(Shanghai).Date.AddDays(-(plan.Days - 1));
            // A later event could not have been received by now.
            _cutoff = plan.Now.UtcTicks - MaxDelay;
            _webRng = new Random(unchecked((int)Hash(plan.Seed, "website")));
            _webDetail = new Mix(Hash(plan.Seed, "website-detail"));
            _webVisitsPerDay = Math.Max(1, plan.Accounts.Count * 0.5 * plan.UserScale);
            _accounts = [.. plan.Accounts.Select(Profile)];
            Declines = CastDeclines();
        }

        private AccountSim Profile(DemoEventAccount account)
        {
            var h = Hash(_plan.Seed, account.ExternalId);
            var r = new Random(unchecked((int)(h ^ (h >> 32))));
            var (lo, hi) = account.Tier switch { Tier.S => (30, 90), Tier.A => (12, 30), Tier.B => (5, 12), _ => (2, 5) };
            var baseUsers = r.Next(lo, hi + 1);
            if (account.Seats > 0) baseUsers = Math.Min(baseUsers, account.Seats);
            var n = Math.Max(1, (int)Math.Round(baseUsers * _plan.UserScale));
            var domain = account.ExternalId.ToLowerInvariant() + ".example.cn";
            var users = new User[n];
            // Who reports and who exports is spread evenly (golden-ratio steps from a random offset), not drawn user by
            // user, so every account and every scale shows the funnel's shares and not a coin's luck.
            var (reportOffset, exportOffset) = (r.NextDouble(), r.NextDouble());
            var reporters = 0;
            for (var i = 0; i < n; i++)
            {
                var role = i == 0 ? Admin : r.NextDouble() < 0.12 ? Decider : Member;
                var titles = DemoWords.Titles[RoleTitles[role]];
                var reporter = Frac(reportOffset + i * 0.6180339887) < ReportCreators;
                var anon = new byte[16];
                r.NextBytes(anon);
                anon[7] = (byte)((anon[7] & 0x0F) | 0x40);
                anon[8] = (byte)((anon[8] & 0x3F) | 0x80);
                var u = new User
                {
                    Id = $"u-{account.ExternalId}-{i + 1}",
                    AnonymousId = new Guid(anon).ToString(),
                    Name = DemoWords.Surnames[r.Next(DemoWords.Surnames.Length)] + DemoWords.Given[r.Next(DemoWords.Given.Length)],
                    Email = $"user{i + 1}@{domain}",
                    Role = role,
                    Title = titles[r.Next(titles.Length)],
                    Client = Clients[r.Weighted(ClientWeights)],
                    // Admins run the account, so none of them is an occasional user.
                    Activity = Activity[i == 0 ? Math.Min(1, r.Weighted(ActivityWeights)) : r.Weighted(ActivityWeights)],
                    Reporter = reporter,
                    Exporter = reporter && Frac(exportOffset + reporters++ * 0.6180339887) < ReportExporters,
                    WebFirst = r.NextDouble() < 0.3,
                    Mobile = r.NextDouble() < 0.2,
                    Agent = r.Next(16),
                };
                // Most users were there before the window; the rest join on a working day and sign in that day.
                if (i > 0 && _plan.Days > 14 && r.NextDouble() < 0.15)
                {
                    var start = r.Next(1, _plan.Days - 7);
                    while (_firstDate.AddDays(start).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) start++;
                    u.StartDay = start;
                    // New users who found the product on the website researched it a few days before.
                    if (u.WebFirst) u.PreVisitDay = start - r.Next(1, 6);
                }
                users[i] = u;
            }
            return new AccountSim { Account = account, Rng = r, Detail = new Mix(h * 0x9E3779B97F4A7C15UL + 1), Users = users, Order = Hash(_plan.Seed ^ 0x5EED, account.ExternalId) };
        }

        /// <summary>Picks the fading and stopping accounts and rewrites their users' futures.</summary>
        private List<DemoDecline> CastDeclines()
        {
            var story = new Random(_plan.Seed ^ 0x5EED);
            var days = _plan.Days;
            // Small and mid accounts: the ones nobody watches but their data (DOMAIN.md §6). Five users or more, so a
            // 50–80% fall is a fall and not one person on holiday.
            var fading = _accounts.Where(a => a.Account.Tier != Tier.S && a.Users.Length >= 5).OrderBy(a => a.Order).Take(_plan.FadingAccounts).ToList();
            var stopping = _accounts.Where(a => a.Account.Tier is Tier.B or Tier.C && !fading.Contains(a)).OrderBy(a => a.Order).Take(_plan.StoppedAccounts).ToList();
            var declines = new List<DemoDecline>();
            // With 90 days: the decline starts 24–28 days before the end and is complete 21 days before it, so the
            // last three weeks are all after it and the first eight all before.
            int Start() => days >= 42 ? days - 24 - story.Next(0, 5) : days * 2 / 3;
            foreach (var a in fading)
            {
                var from = Start();
                a.FadeDay = from;
                // Users leave until they take about 62–70% of the account's weekly actives with them (a heavy user
                // counts more than an occasional one); those who stay use it half as often.
                static double Weekly(User u) => 1 - Math.Pow(1 - u.Activity, 5);
                var target = (0.62 + 0.08 * story.NextDouble()) * a.Users.Sum(Weekly);
                var gone = 0.0;
                var leaving = 0;
                var quiet = from;
                foreach (var u in a.Users.OrderBy(_ => story.Next()).ToList())
                {
                    if (u.StartDay > from - 14) (u.StartDay, u.PreVisitDay) = (0, -1);
                    if (leaving < a.Users.Length - 1 && gone + Weekly(u) / 2 < target)
                    {
                        gone += Weekly(u);
                        leaving++;
                        u.StopDay = Math.Min(days, from + story.Next(-2, 4));
                        quiet = Math.Max(quiet, u.StopDay);
                    }
                    else
                    {
                        u.Fade = 0.5;
                    }
                }
                declines.Add(new DemoDecline(a.Account.ExternalId, a.Account.Tier, false, DayStart(from), DayStart(quiet), a.Users.Length, a.Users.Length - leaving));
            }
            foreach (var a in stopping)
            {
                var stop = days >= 42 ? days - 22 - story.Next(0, 6) : days * 2 / 3;
                a.FadeDay = stop;
                foreach (var u in a.Users)
                {
                    if (u.StartDay >= stop) (u.StartDay, u.PreVisitDay) = (0, -1);
                    u.StopDay = stop;
                }
                declines.Add(new DemoDecline(a.Account.ExternalId, a.Account.Tier, true, DayStart(stop), DayStart(stop), a.Users.Length, 0));
            }
            return declines;
        }

        private static double Frac(double x) => x - Math.Floor(x);

        private DateTimeOffset DayStart(int day) => new(_firstDate.AddDays(day), Shanghai);

        public IEnumerable<TrackedEvent> Run()
        {
            for (_day = 0; _day < _plan.Days; _day++)
            {
                var date = _firstDate.AddDays(_day);
                var start = new DateTimeOffset(date, Shanghai).UtcTicks;
                if (start > _cutoff) yield break;
                var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                WebDay(start, weekend);
                foreach (var e in Drain()) yield return e;
                foreach (var a in _accounts)
                {
                    AccountDay(a, start, weekend);
                    foreach (var e in Drain()) yield return e;
                }
            }
        }

        private IEnumerable<TrackedEvent> Drain()
        {
            if (_out.Count == 0) yield break;
            for (var i = 0; i < _out.Count; i++) yield return _out[i];
            _out.Clear();
        }

        /// <summary>Counts an event the simulation decided on; false when it is past the cutoff or only counted.</summary>
        private bool Keep(long t, out Writer writer)
        {
            writer = _writer!;
            if (t > _cutoff) return false;
            Emitted++;
            return _writer is not null;
        }

        private static long At(Random r, long dayStart, int[] hours) =>
            dayStart + Pick(r, hours) * TimeSpan.TicksPerHour + (long)(r.NextDouble() * TimeSpan.TicksPerHour);

        /// <summary>Think time between two actions: log-normal around the median, in whole milliseconds.</summary>
        private static long Gap(Random r, double medianSeconds) =>
            (long)Math.Clamp(medianSeconds * Math.Exp(0.8 * r.Gaussian()), 1, 1800) * Second + r.Next(1000) * TimeSpan.TicksPerMillisecond;

        private void AccountDay(AccountSim a, long dayStart, bool weekend)
        {
            var r = a.Rng;
            Span<long> starts = stackalloc long[3];
            foreach (var u in a.Users)
            {
                if (_day == u.PreVisitDay && !u.Identified)
                    WebSession(r, a.Detail, new Visitor(u.AnonymousId, null, u.Mobile, u.Agent), At(r, dayStart, WebHours), toLogin: false);
                if (_day < u.StartDay || _day >= u.StopDay) continue;
                var joining = _day == u.StartDay && u.StartDay > 0;
                var p = u.Activity * (weekend ? 0.07 : 1) * (_day >= a.FadeDay ? u.Fade : 1);
                if (!joining && r.NextDouble() >= p) continue;
                var n = 1 + (r.NextDouble() < 0.35 ? 1 : 0) + (r.NextDouble() < 0.12 ? 1 : 0);
                for (var i = 0; i < n; i++) starts[i] = At(r, dayStart, weekend ? WeekendHours : WorkHours);
                starts[..n].Sort();
                for (var i = 0; i < n; i++) Session(a, u, starts[i]);
            }
        }

        private void Session(AccountSim a, User u, long t)
        {
            var r = a.Rng;
            var d = a.Detail;
            Writer w;
            if (!u.Identified)
            {
                // First use: identify (from the website's login page when the user came that way, which links the
                // anonymous visit to them), then the group call that makes them a member of the account.
                if (u.WebFirst)
                {
                    t = WebSession(r, d, new Visitor(u.AnonymousId, null, u.Mobile, u.Agent), t, toLogin: true) + Gap(r, 6);
                    if (Keep(t, out w)) w.Identify(_out, d, u, t, web: true);
                }
                else if (Keep(t, out w))
                {
                    w.Identify(_out, d, u, t, web: false);
                }
                t += Gap(r, 1);
                if (Keep(t, out w)) w.Group(_out, d, a, u, t);
                u.Identified = true;
                t += Gap(r, 2);
            }
            if (Keep(t, out w)) w.SignedIn(_out, d, a, u, t, _day);
            var actions = (int)Math.Min(20, -Math.Log(1 - r.NextDouble()) * (u.Activity * 5 + 1));
            var reportAt = u.Reporter && r.NextDouble() < 0.7 ? r.Next(actions + 1) : -1;
            var cumulative = ActionCumulative[u.Role];
            for (var i = 0; i <= actions; i++)
            {
                if (i == reportAt)
                {
                    t += Gap(r, 90);
                    var type = ReportTypes[r.Next(ReportTypes.Length)];
                    if (Keep(t, out w)) w.Report(_out, d, a, u, t, _day, type, null);
                    if (u.Exporter && r.NextDouble() < 0.8)
                    {
                        t += Gap(r, 40);
                        var format = Formats[Pick(r, FormatCumulative)];
                        if (Keep(t, out w)) w.Report(_out, d, a, u, t, _day, type, format);
                    }
                }
                if (i == actions) break;
                t += Gap(r, 45);
                var action = Actions[Pick(r, cumulative)];
                if (Keep(t, out w)) w.Action(_out, d, a, u, t, _day, action);
            }
            // Now and then a signed-in user reads the pricing page or the docs: the website knows them by now.
            if (r.NextDouble() < 0.03)
            {
                t += Gap(r, 120);
                var page = r.NextDouble() < 0.5 ? PricingPage : DocsPage;
                if (Keep(t, out w)) w.Page(_out, d, new Visitor(u.AnonymousId, u.Id, u.Mobile, u.Agent), page, t, "", null);
            }
        }

        private void WebDay(long dayStart, bool weekend)
        {
            var r = _webRng;
            var visits = (int)Math.Round(_webVisitsPerDay * (weekend ? 0.45 : 1) * (0.85 + 0.3 * r.NextDouble()));
            for (var i = 0; i < visits; i++)
            {
                string? anon = null;
                var returning = _returningCount > 0 && r.NextDouble() < 0.15;
                if (returning) anon = _returning[r.Next(Math.Min(_returningCount, _returning.Length))];
                else if (_writer is not null) anon = _webDetail.Uuid().ToString();
                var mobile = r.NextDouble() < 0.3;
                WebSession(r, _webDetail, new Visitor(anon, null, mobile, r.Next(16)), At(r, dayStart, WebHours), toLogin: false, returning ? Returning : null);
                if (!returning) _returning[_returningCount++ % _returning.Length] = anon;
            }
        }

        /// <summary>
        /// One website visit: the landing page (UTM campaign on it when the visit came from one), then either a bounce
        /// or a few pages and perhaps the trial CTA; a user about to sign in goes from the landing page to the login
        /// page instead. Returns the time of the visit's last event.
        /// </summary>
        private long WebSession(Random r, Mix d, Visitor v, long t, bool toLogin, TrafficSource? source = null)
        {
            var c = source ?? Sources[Pick(r, SourceCumulative)];
            var mobile = v.Mobile || (c.Mobile && r.NextDouble() < 0.7);
            v = v with { Mobile = mobile };
            var page = c.Landing;
            Writer w;
            if (Keep(t, out w)) w.Page(_out, d, v, page, t, c.Referrer, c);
            if (toLogin)
            {
                t += Gap(r, 8);
                if (Keep(t, out w)) w.Cta(_out, d, v, page, t, "登录", "nav");
                t += Gap(r, 2);
                if (Keep(t, out w)) w.Page(_out, d, v, LoginPage, t, page.Url, null);
                return t;
            }
            if (r.NextDouble() < c.Bounce) return t;
            var more = 1 + (int)Math.Min(6, -Math.Log(1 - r.NextDouble()) * 1.3);
            for (var i = 0; i < more; i++)
            {
                var next = Browse[Pick(r, BrowseCumulative)];
                if (next == page) continue;
                t += Gap(r, 35);
                if (Keep(t, out w)) w.Page(_out, d, v, next, t, page.Url, null);
                page = next;
            }
            if (r.NextDouble() < c.Cta)
            {
                t += Gap(r, 15);
                // Drawn outside the Keep guard: a skeleton draw skipped when only counting would change what follows.
                var location = page == PricingPage ? "pricing_table" : r.NextDouble() < 0.6 ? "hero" : "nav";
                if (Keep(t, out w)) w.Cta(_out, d, v, page, t, "申请试用", location);
                t += Gap(r, 2);
                if (Keep(t, out w)) w.Page(_out, d, v, SignupPage, t, page.Url, null);
                if (r.NextDouble() < 0.45)
                {
                    t += Gap(r, 90);
                    if (Keep(t, out w)) w.TrialRequested(_out, d, v, t);
                }
            }
            return t;
        }
    }

    /// <summary>Turns the simulation's decisions into events; draws only from the detail stream.</summary>
    private sealed class Writer(DemoEventPlan plan)
    {
        private static readonly SearchValues<char> NeedsEscape = SearchValues.Create("\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");
        private static readonly string[] SignInMethods = ["password", "wechat_work_qr", "dingtalk", "sso", "sms"];
        private static readonly int[] SignInCumulative = Cumulative([45, 20, 15, 15, 5]);
        private static readonly string[] Objects = ["订单", "商品", "客户", "库存", "门店"];
        private static readonly string[] Dashboards = ["销售概览", "门店经营", "库存看板", "财务月报", "客服工单"];
        private static readonly string[] Ranges = ["today", "last_7_days", "last_30_days", "this_month"];
        private static readonly string[] Forms = ["采购申请", "费用报销", "请假", "合同审批"];
        private static readonly string[] ImportSources = ["excel", "csv", "金蝶云星空", "用友U8"];
        private static readonly string[] TicketCategories = ["使用咨询", "功能建议", "故障报修", "账单问题"];
        private static readonly string[] Priorities = ["normal", "normal", "normal", "high", "urgent"];
        private static readonly string[] Sections = ["权限", "门店", "通知", "审批", "安全"];
        private static readonly string[] CompanySizes = ["1-49人", "50-199人", "200-999人", "1000人以上"];
        private static readonly string[] Industries = ["制造", "零售", "餐饮", "金融", "医疗", "教育", "物流", "互联网"];

        private readonly StringBuilder _sb = new(1024);
        private bool _first;
        private string _reportId = "";

        public void Identify(List<TrackedEvent> o, Mix d, User u, long t, bool web)
        {
            var traits = Begin().Str("name", u.Name).Str("email", u.Email).Str("role", RoleNames[u.Role]).Str("title", u.Title).End();
            o.Add(Make(d, web, "identify", null, u.Id, web ? u.AnonymousId : null, null, t, traits, web ? WebContext(new Visitor(u.AnonymousId, u.Id, u.Mobile, u.Agent), LoginPage, LoginPage.Url, null) : ServerContext));
        }

        public void Group(List<TrackedEvent> o, Mix d, AccountSim a, User u, long t)
        {
            a.GroupTraits ??= Begin().Str("name", a.Account.Name).Str("plan", a.Plan).Num("seats", a.Account.Seats).Num("users", a.Users.Length).End();
            o.Add(Make(d, false, "group", null, u.Id, null, a.Account.ExternalId, t, a.GroupTraits, ServerContext));
        }

        public void SignedIn(List<TrackedEvent> o, Mix d, AccountSim a, User u, long t, int day)
        {
            Common(a, u, "auth", "/login", day).Str("method", SignInMethods[Pick(d, SignInCumulative)]).Bool("remember_me", d.Unit() < 0.6);
            o.Add(Make(d, false, "track", DemoEvents.SignedIn, u.Id, null, null, t, End(), ServerContext));
        }

        public void Report(List<TrackedEvent> o, Mix d, AccountSim a, User u, long t, int day, string type, string? format)
        {
            if (format is null)
            {
                _reportId = "rpt_" + (d.Next() & 0xFFFFFFFFFF).ToString("x10", CultureInfo.InvariantCulture);
                Common(a, u, "reports", "/app/reports/new", day).Str("report_id", _reportId).Str("report_type", type)
                    .Bool("from_template", d.Unit() < 0.55).Num("filters", d.Below(7)).Num("rows", Math.Max(1, d.LogNormal(900, 1.2))).Num("duration_ms", Math.Max(80, d.LogNormal(700, 0.6)));
                o.Add(Make(d, false, "track", DemoEvents.ReportCreated, u.Id, null, null, t, End(), ServerContext));
            }
            else
            {
                var rows = Math.Max(1, d.LogNormal(900, 1.2));
                Common(a, u, "reports", "/app/reports/" + _reportId, day).Str("report_id", _reportId).Str("report_type", type).Str("format", format)
                    .Num("rows", rows).Num("size_kb", Math.Max(4, rows / (format == "pdf" ? 8 : 20))).Num("duration_ms", Math.Max(100, d.LogNormal(1500, 0.7)));
                o.Add(Make(d, false, "track", DemoEvents.ReportExported, u.Id, null, null, t, End(), ServerContext));
            }
        }

        public void Action(List<TrackedEvent> o, Mix d, AccountSim a, User u, long t, int day, ProductAction action)
        {
            Common(a, u, action.Module, action.Path, day);
            switch (action.Name)
            {
                case "Dashboard Viewed":
                    Str("dashboard", Dashboards[d.Below(Dashboards.Length)]).Str("date_range", Ranges[d.Below(Ranges.Length)]).Num("widgets", d.Between(4, 17)).Num("load_ms", Math.Max(120, d.LogNormal(650, 0.5)));
                    break;
                case "Search Performed":
                    Str("object", Objects[d.Below(Objects.Length)]).Num("query_length", d.Between(2, 14)).Num("results", Math.Max(0, d.LogNormal(30, 1.5) - 1));
                    break;
                case "Record Updated":
                    Str("object", Objects[d.Below(Objects.Length)]).Num("fields_changed", d.Between(1, 6)).Bool("bulk", d.Unit() < 0.1);
                    break;
                case "Approval Submitted":
                    var form = Forms[d.Below(Forms.Length)];
                    Str("form", form).Num("amount", form is "采购申请" or "费用报销" or "合同审批" ? d.LogNormal(3000, 1.3) : 0).Num("attachments", d.Below(4));
                    break;
                case "Approval Approved":
                    Str("form", Forms[d.Below(Forms.Length)]).Num("wait_hours", d.Below(72)).Str("decision", d.Unit() < 0.9 ? "approved" : "rejected");
                    break;
                case "Approval Flow Created":
                    Str("form", Forms[d.Below(Forms.Length)]).Num("steps", d.Between(2, 6)).Num("conditions", d.Below(4));
                    break;
                case "Data Imported":
                    var rows = Math.Max(1, d.LogNormal(400, 1.4));
                    Str("source", ImportSources[d.Below(ImportSources.Length)]).Str("object", Objects[d.Below(Objects.Length)]).Num("count", rows)
                        .Num("errors", d.Unit() < 0.8 ? 0 : d.Between(1, 2 + rows / 20)).Num("duration_ms", 200 + rows * 3);
                    break;
                case "Member Invited":
                    Str("invited_role", d.Unit() < 0.85 ? "业务用户" : "管理员").Num("count", d.Between(1, 6)).Str("via", d.Unit() < 0.6 ? "email" : "企业微信");
                    break;
                case "API Key Created":
                    Num("scopes", d.Between(1, 5)).Num("expires_days", d.Unit() < 0.5 ? 365 : 90);
                    break;
                case "Ticket Submitted":
                    Str("category", TicketCategories[d.Below(TicketCategories.Length)]).Str("priority", Priorities[d.Below(Priorities.Length)]).Str("channel", "in_app").Num("attachments", d.Below(3));
                    break;
                default:
                    Str("section", Sections[d.Below(Sections.Length)]).Num("fields_changed", d.Between(1, 5));
                    break;
            }
            o.Add(Make(d, false, "track", action.Name, u.Id, null, null, t, End(), ServerContext));
        }

        public void Page(List<TrackedEvent> o, Mix d, Visitor v, WebPage page, long t, string referrer, TrafficSource? campaign)
        {
            var search = campaign?.Search ?? "";
            var url = search.Length == 0 ? page.Url : page.Url + search;
            var props = Begin().Str("path", page.Path).Str("referrer", referrer).Str("search", search).Str("title", page.Title).Str("url", url).End();
            o.Add(Make(d, true, "page", null, v.UserId, v.AnonymousId, null, t, props, WebContext(v, page, referrer, campaign)));
        }

        public void Cta(List<TrackedEvent> o, Mix d, Visitor v, WebPage page, long t, string cta, string location)
        {
            var props = Begin().Str("cta", cta).Str("location", location).Str("path", page.Path).Str("url", page.Url).End();
            o.Add(Make(d, true, "track", CtaClicked, v.UserId, v.AnonymousId, null, t, props, WebContext(v, page, "", null)));
        }

        public void TrialRequested(List<TrackedEvent> o, Mix d, Visitor v, long t)
        {
            var props = Begin().Str("form", "申请试用").Str("company_size", CompanySizes[d.Below(CompanySizes.Length)])
                .Str("industry", Industries[d.Below(Industries.Length)]).Bool("phone_verified", d.Unit() < 0.7).End();
            o.Add(Make(d, true, "track", "Trial Requested", v.UserId, v.AnonymousId, null, t, props, WebContext(v, SignupPage, "", null)));
        }

        private string WebContext(Visitor v, WebPage page, string referrer, TrafficSource? c)
        {
            Begin();
            if (c?.Source is not null)
            {
                Open("campaign").Str("name", c.Campaign).Str("source", c.Source).Str("medium", c.Medium);
                if (c.Term is not null) Str("term", c.Term);
                if (c.Content is not null) Str("content", c.Content);
                Close();
            }
            Raw("library", WebLibrary).Str("locale", "zh-CN");
            var search = c?.Search ?? "";
            Open("page").Str("path", page.Path).Str("referrer", referrer).Str("search", search).Str("title", page.Title).Str("url", search.Length == 0 ? page.Url : page.Url + search).Close();
            var agents = v.Mobile ? MobileAgents : DesktopAgents;
            return Str("timezone", "Asia/Shanghai").Str("userAgent", agents[v.Agent % agents.Length]).End();
        }

        private Writer Common(AccountSim a, User u, string module, string path, int day) =>
            Begin().Str("plan", a.Plan).Str("module", module).Str("client", u.Client)
                .Str("app_version", day < plan.Days - 45 ? "5.11.4" : day < plan.Days - 14 ? "5.12.0" : "5.12.3").Str("page_path", path);

        private TrackedEvent Make(Mix d, bool web, string type, string? name, string? userId, string? anonymousId, string? groupId, long t, string? props, string context)
        {
            var ts = new DateTimeOffset(t, TimeSpan.Zero);
            // analytics-node flushes every 15 events or 10 s, the browser sends at once; capped below the cutoff margin.
            var received = ts.AddTicks((web ? d.Between(80, 1500) : d.Between(40, 4900)) * TimeSpan.TicksPerMillisecond);
            // Some browsers' clocks are off; Segment's correction (receivedAt − (sentAt − originalTimestamp)) gives ts back.
            var skew = web && d.Unit() < 0.1 ? TimeSpan.FromSeconds(d.Between(-600, 600)) : TimeSpan.Zero;
            var uuid = d.Uuid();
            var id = string.Create(CultureInfo.InvariantCulture, stackalloc char[80], $"{(web ? "ajs-next-" : "node-next-")}{(t - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond}-{uuid}");
            return new TrackedEvent
            {
                MessageId = id, SourceId = plan.SourceId, Type = type, Event = name, UserId = userId, AnonymousId = anonymousId, GroupId = groupId,
                Timestamp = ts, OriginalTimestamp = ts + skew, SentAt = received + skew, ReceivedAt = received, Properties = props, Context = context,
            };
        }

        private static int Pick(Mix d, int[] cumulative)
        {
            var x = d.Below(cumulative[^1]);
            var i = 0;
            while (x >= cumulative[i]) i++;
            return i;
        }

        private Writer Begin()
        {
            _sb.Clear().Append('{');
            _first = true;
            return this;
        }

        private string End() => _sb.Append('}').ToString();

        private StringBuilder Key(string key)
        {
            if (!_first) _sb.Append(',');
            _first = false;
            return _sb.Append('"').Append(key).Append("\":");
        }

        private Writer Str(string key, string? value)
        {
            var sb = Key(key);
            if (value is null) sb.Append("null");
            else if (value.AsSpan().IndexOfAny(NeedsEscape) < 0) sb.Append('"').Append(value).Append('"');
            else sb.Append('"').Append(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value).Append('"');
            return this;
        }

        private Writer Num(string key, long value)
        {
            Key(key).Append(CultureInfo.InvariantCulture, $"{value}");
            return this;
        }

        private Writer Bool(string key, bool value)
        {
            Key(key).Append(value ? "true" : "false");
            return this;
        }

        private Writer Raw(string key, string json)
        {
            Key(key).Append(json);
            return this;
        }

        private Writer Open(string key)
        {
            Key(key).Append('{');
            _first = true;
            return this;
        }

        private Writer Close()
        {
            _sb.Append('}');
            _first = false;
            return this;
        }
    }
}
