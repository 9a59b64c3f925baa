using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pharos.Customers.Accounts;
using Pharos.Customers.Dashboard;
using Pharos.Customers.ImportExport;
using Pharos.Customers.Public;
using Pharos.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pharos.Tests.Customers;

/// <summary>
/// A 100,000-row customer file, checked and imported once per provider on a book of its own. It proves the import
/// holds up at the size ImportJobs is built for, and its timings are written to the test output.
/// </summary>
public abstract class LargeImportTests(EmptyBook app, ITestOutputHelper output)
{
    public const int Rows = 100_000;
    private static readonly TimeSpan CheckBudget = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ImportBudget = TimeSpan.FromMinutes(5);

    /// <summary>A deterministic book: Chinese names, every column filled, log-normal revenue like the demo.</summary>
    public static byte[] Csv(int rows)
    {
        string[] industries = ["制造", "零售", "餐饮", "金融", "医疗", "教育", "物流", "互联网", "能源", "房地产"];
        string[] regions = ["华东", "华北", "华南", "华中", "西南", "西北", "东北"];
        string[] cities = ["上海", "杭州", "北京", "广州", "武汉", "成都", "西安", "沈阳"];
        string[] stages = ["潜在客户", "新进客户", "成熟客户", "成熟客户", "成熟客户", "流失客户"];
        string[] channels = ["竞价", "关系", "转介绍", "活动", "官网", "合作伙伴"];
        var rng = new Random(100_000);
        var sb = new StringBuilder(rows * 110);
        sb.Append("name,external_id,industry,region,city,employees,branch_count,stage,channel,annual_contract_value,currency,strategic,influence\n");
        for (var i = 1; i <= rows; i++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var acv = Math.Round(120_000 * Math.Exp(1.7 * gaussian) / 1000) * 1000;
            var region = rng.Next(regions.Length);
            sb.Append(CultureInfo.InvariantCulture, $"{cities[rng.Next(cities.Length)]}批量客户{i:D6}有限公司,BULK-{i:D6},{industries[rng.Next(industries.Length)]},{regions[region]},{cities[rng.Next(cities.Length)]},")
              .Append(CultureInfo.InvariantCulture, $"{rng.Next(5, 5000)},{rng.Next(0, 300)},{stages[rng.Next(stages.Length)]},{channels[rng.Next(channels.Length)]},{acv},CNY,{(rng.NextDouble() < 0.02 ? "是" : "否")},{(rng.NextDouble() < 0.05 ? "区域" : "无")}\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [DbFact]
    [Trait("Category", "Large")]
    public async Task A_100k_row_file_is_checked_and_imported_in_reasonable_time()
    {
        var ops = await app.OperationsAsync();
        var file = Csv(Rows);

        var clock = Stopwatch.StartNew();
        var report = await ops.CheckAsync("accounts", file);
        var checkTime = clock.Elapsed;

        Assert.True(report.State == ImportState.Checked, string.Join("; ", report.Errors.Take(5)));
        Assert.Equal((Rows, Rows, 0), (report.Rows, report.ToCreate, report.ToUpdate));
        Assert.Equal(0, (await ops.GetAsync<Page<AccountRow>>("/api/accounts?pageSize=1")).Total);

        clock.Restart();
        var done = await ops.ConfirmAndWaitAsync(report.Id, ImportBudget);
        var importTime = clock.Elapsed;

        output.WriteLine($"[{app.Provider}] 100k-row import: file {file.Length / 1024 / 1024.0:0.0} MB, check {checkTime.TotalSeconds:0.0} s, import {importTime.TotalSeconds:0.0} s");
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "import-timings.log"),
            $"{DateTimeOffset.UtcNow:u} {app.Provider} check={checkTime.TotalSeconds:0.0}s import={importTime.TotalSeconds:0.0}s{Environment.NewLine}");

        Assert.Equal(Rows, done.Processed);
        Assert.True(checkTime < CheckBudget, $"the check took {checkTime}");
        var dashboard = await ops.GetAsync<TierDashboardData>("/api/tiering/dashboard");
        Assert.Equal(Rows, dashboard.Accounts);
        Assert.All(Enum.GetValues<Tier>(), t => Assert.Contains(dashboard.Tiers, s => s.Tier == t && s.Accounts > 0));
        Assert.NotNull(dashboard.Headline);
        var page = await ops.GetAsync<Page<AccountRow>>("/api/accounts?q=" + Uri.EscapeDataString("批量客户050000") + "&pageSize=5");
        Assert.Equal("BULK-050000", Assert.Single(page.Items).ExternalId);
    }

    public sealed class Sqlite(EmptyBookOnSqlite app, ITestOutputHelper output) : LargeImportTests(app, output), IClassFixture<EmptyBookOnSqlite>;

    public sealed class Postgres(EmptyBookOnPostgres app, ITestOutputHelper output) : LargeImportTests(app, output), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
