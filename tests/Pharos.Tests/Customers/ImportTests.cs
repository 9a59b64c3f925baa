using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.ImportExport;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>
/// Importing accounts and contacts from CSV: a dry run that reports every bad row and writes nothing, then a
/// confirmed import in the background, all or nothing. Each provider gets a book of its own.
/// </summary>
public abstract class ImportTests(EmptyBook app)
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(2);
    private const string Header = "名称,外部编号,行业,区域,城市,员工数,门店数,生命周期,渠道,年合同额,战略客户,行业影响力";

    private Task<HttpClient> Ops() => app.OperationsAsync();

    private Task<int> CountAsync(string run) => app.WithDbAsync(db => db.Set<Account>().CountAsync(a => a.Name.Contains(run)));

    [DbFact]
    public async Task A_dry_run_reports_rows_creates_and_updates_and_writes_nothing_until_confirmed()
    {
        var ops = await Ops();
        var run = Http.Unique("导入");
        var existing = await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = $"北京老客户{run}", Industry = "互联网", Region = "华北", Employees = 10 }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        var csv = $"""
            {Header}
            杭州云帆智能制造有限公司{run},IMP-{run}-1,制造,华东,杭州,350,2,成熟客户,转介绍,120万,是,行业龙头
            "苏州恒通商贸有限公司{run}",IMP-{run}-2,零售,华东,苏州,"1,200",45,新进客户,官网,"¥380,000.50",否,区域
            北京老客户{run},IMP-{run}-3,互联网,华北,北京,80,0,Mature,Partner,90000,no,None

            """;

        var report = await ops.CheckAsync("accounts", ImportClient.Utf8(csv));

        Assert.Equal((ImportState.Checked, 3, 2, 1, 0), (report.State, report.Rows, report.ToCreate, report.ToUpdate, report.ErrorCount));
        Assert.Equal("客户导入.csv", report.FileName);
        Assert.Empty(report.Errors);
        Assert.Equal(1, await CountAsync(run));
        Assert.Equal(10, (await ops.GetAsync<AccountDetail>($"/api/accounts/{existing.Id}")).Employees);

        var done = await ops.ConfirmAndWaitAsync(report.Id, ImportTimeout);

        Assert.Equal(3, done.Processed);
        Assert.Equal(3, await CountAsync(run));
        var page = await ops.GetAsync<Page<AccountRow>>($"/api/accounts?q={Uri.EscapeDataString(run)}&sort=name&desc=false");
        var hz = await ops.GetAsync<AccountDetail>($"/api/accounts/{page.Items.Single(a => a.Name.StartsWith("杭州")).Id}");
        Assert.Equal((1_200_000m, LifecycleStage.Mature, LeadChannel.Referral, true, Influence.IndustryLeader, 350, "杭州"),
            (hz.AnnualContractValue, hz.Stage, hz.Channel, hz.IsStrategic, hz.Influence, hz.Employees, hz.City));
        Assert.Equal(Tier.S, hz.Tier);
        var sz = await ops.GetAsync<AccountDetail>($"/api/accounts/{page.Items.Single(a => a.Name.StartsWith("苏州")).Id}");
        Assert.Equal((380_000.50m, 1200, 45, Influence.Regional, LeadChannel.Inbound), (sz.AnnualContractValue, sz.Employees, sz.BranchCount, sz.Influence, sz.Channel));
        var updated = await ops.GetAsync<AccountDetail>($"/api/accounts/{existing.Id}");
        Assert.Equal((80, $"IMP-{run}-3", LeadChannel.Partner, LifecycleStage.Mature), (updated.Employees, updated.ExternalId, updated.Channel, updated.Stage));

        // A job runs once.
        await (await ops.PostAsync($"/api/imports/{report.Id}/confirm", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [DbFact]
    public async Task Importing_the_same_file_again_updates_instead_of_duplicating()
    {
        var ops = await Ops();
        var run = Http.Unique("重复导入");
        var csv = ImportClient.Utf8($"name,external_id,industry,region,annual_contract_value\n重复导入甲{run},R-{run}-1,能源,西北,1000\n重复导入乙{run},,能源,西北,2000\n");
        await ops.ConfirmAndWaitAsync((await ops.CheckAsync("accounts", csv)).Id, ImportTimeout);

        var again = await ops.CheckAsync("accounts", csv);

        Assert.Equal((ImportState.Checked, 0, 2), (again.State, again.ToCreate, again.ToUpdate));
        await ops.ConfirmAndWaitAsync(again.Id, ImportTimeout);
        Assert.Equal(2, await CountAsync(run));
    }

    [DbFact]
    public async Task Bad_rows_are_reported_with_row_field_and_reason_and_the_file_cannot_be_confirmed()
    {
        var ops = await Ops();
        var run = Http.Unique("坏行");
        var csv = $"""
            {Header}
            好客户{run},,制造,华东,上海,10,1,成熟客户,,100000,否,无
            员工数不对{run},,制造,华东,上海,很多,1,成熟客户,,100000,否,无
            ,,制造,华东,上海,10,1,成熟客户,,100000,否,无
            负收入{run},,制造,华东,上海,10,1,成熟客户,,-5,否,无
            阶段不对{run},,制造,华东,上海,10,1,沉睡客户,,100,否,无
            好客户{run},,制造,华东,上海,10,1,成熟客户,,100000,否,无
            没有行业{run},,,华东,上海,10,1,成熟客户,,abc,否,无

            """;

        var report = await ops.CheckAsync("accounts", ImportClient.Utf8(csv));

        Assert.Equal(ImportState.Rejected, report.State);
        Assert.Equal(0, report.ToCreate);
        var errors = report.Errors.Select(e => (e.Row, e.Field)).ToList();
        Assert.Contains((3, "employees"), errors);
        Assert.Contains((4, "name"), errors);
        Assert.Contains((5, "annual_contract_value"), errors);
        Assert.Contains((6, "stage"), errors);
        Assert.Contains((7, "name"), errors);
        Assert.Contains((8, "industry"), errors);
        Assert.Contains((8, "annual_contract_value"), errors);
        Assert.DoesNotContain(errors, e => e.Row == 2);
        Assert.Equal(report.Errors.Count, report.ErrorCount);
        Assert.All(report.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        Assert.Contains("row 2", report.Errors.Single(e => e.Row == 7).Reason);

        var refused = await (await ops.PostAsync($"/api/imports/{report.Id}/confirm", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("bad rows", refused.GetProperty("detail").GetString());
        Assert.Equal(ImportState.Rejected, (await ops.GetAsync<ImportReport>($"/api/imports/{report.Id}")).State);
        Assert.Equal(0, await CountAsync(run));
    }

    [DbFact]
    public async Task A_row_that_would_take_another_accounts_name_is_reported()
    {
        var ops = await Ops();
        var run = Http.Unique("改名");
        await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = $"甲{run}", ExternalId = $"A-{run}", Industry = "制造", Region = "华东" })).ExpectAsync(HttpStatusCode.Created);
        await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = $"乙{run}", ExternalId = $"B-{run}", Industry = "制造", Region = "华东" })).ExpectAsync(HttpStatusCode.Created);

        var report = await ops.CheckAsync("accounts", ImportClient.Utf8($"name,external_id,industry,region\n乙{run},A-{run},制造,华东\n"));

        Assert.Equal(ImportState.Rejected, report.State);
        Assert.Equal((2, "name"), (report.Errors[0].Row, report.Errors[0].Field));
    }

    [DbTheory]
    [InlineData("GBK")]
    [InlineData("bytes")]
    public async Task A_file_that_is_not_UTF8_is_rejected_with_the_save_as_CSV_UTF8_advice(string kind)
    {
        var ops = await Ops();
        var run = Http.Unique("编码");
        var text = $"{Header}\n杭州编码测试有限公司{run},,制造,华东,杭州,10,1,成熟客户,,100000,否,无\n";
        byte[] file;
        if (kind == "GBK")
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            file = Encoding.GetEncoding("GBK").GetBytes(text);
        }
        else
        {
            file = ImportClient.Utf8(text.Replace("杭州编码测试", "杭州\uFFFF编码测试"));
            // U+FFFF is EF BF BF; C3 28 BF is no UTF-8 at all.
            var at = file.AsSpan().IndexOf([(byte)0xEF, (byte)0xBF, (byte)0xBF]);
            file[at] = 0xC3;
            file[at + 1] = 0x28;
        }

        var report = await ops.CheckAsync("accounts", file);

        Assert.Equal(ImportState.Rejected, report.State);
        var error = Assert.Single(report.Errors);
        Assert.Equal("file", error.Field);
        Assert.Contains("not UTF-8", error.Reason);
        Assert.Contains("CSV UTF-8", error.Reason);
        Assert.Equal(0, await CountAsync(run));
    }

    [DbFact]
    public async Task A_UTF8_file_with_a_BOM_and_a_raw_body_upload_are_accepted()
    {
        var ops = await Ops();
        var run = Http.Unique("BOM");

        var report = await (await ops.UploadRawAsync("accounts", ImportClient.Utf8($"客户名称,行业,大区\n带BOM的客户{run},餐饮,华中\n", bom: true), "excel-export.csv"))
            .ReadAsync<ImportReport>();

        Assert.Equal((ImportState.Checked, 1, 1), (report.State, report.Rows, report.ToCreate));
        Assert.Equal("excel-export.csv", report.FileName);
        await ops.ConfirmAndWaitAsync(report.Id, ImportTimeout);
        Assert.Equal(1, await CountAsync(run));
    }

    [DbFact]
    public async Task Missing_required_columns_are_reported_by_name()
    {
        var ops = await Ops();

        var report = await ops.CheckAsync("accounts", ImportClient.Utf8("名称,城市,颜色\n某公司,上海,红\n"));

        Assert.Equal(ImportState.Rejected, report.State);
        Assert.Contains(report.Errors, e => e.Row == 1 && e.Field == "industry" && e.Reason.Contains("Missing column"));
        Assert.Contains(report.Errors, e => e.Row == 1 && e.Field == "region" && e.Reason.Contains("Missing column"));
        Assert.Contains(report.Errors, e => e.Row == 1 && e.Field == "颜色" && e.Reason.Contains("Unknown column"));
        Assert.DoesNotContain(report.Errors, e => e.Field == "name");
    }

    [DbFact]
    public async Task A_header_without_rows_is_rejected_and_an_empty_file_is_a_problem()
    {
        var ops = await Ops();

        var headerOnly = await ops.CheckAsync("accounts", ImportClient.Utf8("name,industry,region\n"));
        Assert.Equal(ImportState.Rejected, headerOnly.State);
        Assert.Contains("no rows", Assert.Single(headerOnly.Errors).Reason);

        await (await ops.UploadAsync("accounts", [])).ExpectProblemAsync(HttpStatusCode.BadRequest, "file");
    }

    [DbFact]
    public async Task Unknown_import_kinds_and_ids_are_problems()
    {
        var ops = await Ops();

        await (await ops.UploadAsync("tickets", ImportClient.Utf8("name\nx\n"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "kind");
        await (await ops.GetAsync($"/api/imports/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await ops.PostAsync($"/api/imports/{Guid.NewGuid()}/confirm", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [DbFact]
    public async Task Contacts_are_imported_onto_their_accounts()
    {
        var ops = await Ops();
        var run = Http.Unique("联系人导入");
        var account = await (await ops.PostJsonAsync("/api/accounts", new AccountInput { Name = $"联系人导入客户{run}", ExternalId = $"C-{run}", Industry = "教育", Region = "华南" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        var csv = $"""
            客户编号,姓名,职位,邮箱,手机,角色,主要联系人
            C-{run},王敏,总经理,wangmin@example.cn,13800000001,决策者,否
            C-{run},李娜,IT经理,lina@example.cn,13800000002,管理员,是
            C-{run},赵强,,,,,

            """;

        var report = await ops.CheckAsync("contacts", ImportClient.Utf8(csv));
        Assert.True(report.State == ImportState.Checked, string.Join("; ", report.Errors));
        Assert.Equal((3, 3, 0), (report.Rows, report.ToCreate, report.ToUpdate));
        Assert.Empty((await ops.GetAsync<AccountDetail>($"/api/accounts/{account.Id}")).Contacts);

        await ops.ConfirmAndWaitAsync(report.Id, ImportTimeout);

        var contacts = (await ops.GetAsync<AccountDetail>($"/api/accounts/{account.Id}")).Contacts;
        Assert.Equal(["王敏", "李娜", "赵强"], contacts.Select(c => c.Name));
        Assert.Equal((ContactRole.Administrator, true, "lina@example.cn"), (contacts[1].Role, contacts[1].IsPrimary, contacts[1].Email));

        var bad = await ops.CheckAsync("contacts", ImportClient.Utf8($"客户编号,姓名,邮箱\nC-{run},孙浩,not-an-email\nNO-SUCH-{run},周杰,\n"));
        Assert.Equal(ImportState.Rejected, bad.State);
        Assert.Contains(bad.Errors, e => (e.Row, e.Field) == (2, "email"));
    }

    [DbFact]
    public async Task Contacts_for_unknown_accounts_are_reported()
    {
        var ops = await Ops();

        var report = await ops.CheckAsync("contacts", ImportClient.Utf8("客户名称,姓名\n不存在的客户,周杰\n"));

        Assert.Equal(ImportState.Rejected, report.State);
        Assert.Equal((2, "account_name"), (report.Errors[0].Row, report.Errors[0].Field));
    }

    [DbFact]
    public async Task Only_roles_with_the_import_permission_may_import()
    {
        foreach (var role in new[] { Roles.CustomerSuccess, Roles.Sales, Roles.Support, Roles.ProductManager, Roles.Analyst })
        {
            var client = await app.ClientForRoleAsync(role);
            await (await client.UploadAsync("accounts", ImportClient.Utf8("name,industry,region\n某公司,制造,华东\n"))).ExpectAsync(HttpStatusCode.Forbidden);
        }
        await (await (await app.AdminAsync()).UploadAsync("accounts", ImportClient.Utf8("name,industry,region\n某公司,制造,华东\n"))).ExpectAsync(HttpStatusCode.OK);
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : ImportTests(app), IClassFixture<EmptyBookOnSqlite>;

    public sealed class Postgres(EmptyBookOnPostgres app) : ImportTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
