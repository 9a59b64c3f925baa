using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Exporting the filtered customer book: CSV that Excel reads (BOM, Chinese intact) and xlsx.</summary>
public abstract class ExportTests(DemoBook app)
{
    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(csv.HeaderRecord!.ToDictionary(h => h, h => csv.GetField(h) ?? ""));
        return rows;
    }

    [DbFact]
    public async Task CSV_export_has_a_BOM_keeps_Chinese_and_honours_the_filter()
    {
        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var expected = await app.WithDbAsync(db => db.Set<Account>().Where(a => a.Region == "华东" && a.Industry == "零售").Select(a => a.Name).ToListAsync());

        var response = await analyst.GetAsync($"/api/accounts/export?format=csv&region={Uri.EscapeDataString("华东")}&industry={Uri.EscapeDataString("零售")}");

        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
        var rows = ParseCsv(text);
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r => r["name"]).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(("华东", "零售"), (r["region"], r["industry"])));
        Assert.All(rows, r => Assert.EndsWith("有限公司", r["name"]));
        Assert.Contains(rows, r => r["owner"].Length > 0);
    }

    [DbFact]
    public async Task CSV_export_of_a_search_holds_only_the_matches()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var total = (await ops.GetAsync<Page<AccountRow>>("/api/accounts?pageSize=1&q=" + Uri.EscapeDataString("杭州"))).Total;

        var text = Encoding.UTF8.GetString(await ops.GetByteArrayAsync("/api/accounts/export?q=" + Uri.EscapeDataString("杭州"))).TrimStart('\uFEFF');

        var rows = ParseCsv(text);
        Assert.Equal(total, rows.Count);
        Assert.All(rows, r => Assert.True(r["name"].Contains("杭州") || r["city"] == "杭州"));
    }

    [DbFact]
    public async Task An_exported_file_imports_back_as_updates_only()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var file = await ops.GetByteArrayAsync("/api/accounts/export?tier=S");

        var report = await ops.CheckAsync("accounts", file);

        Assert.Equal(Pharos.Customers.ImportExport.ImportState.Checked, report.State);
        Assert.Equal((0, report.Rows), (report.ToCreate, report.ToUpdate));
    }

    [DbFact]
    public async Task An_export_without_matches_is_a_header_only_file()
    {
        var text = Encoding.UTF8.GetString(await (await app.ClientForRoleAsync(Roles.Sales)).GetByteArrayAsync("/api/accounts/export?q=" + Uri.EscapeDataString("没有这样的客户")));

        Assert.Equal("name", text.TrimStart('\uFEFF').Trim());
    }

    [DbFact]
    public async Task Xlsx_export_is_a_workbook()
    {
        var response = await (await app.ClientForRoleAsync(Roles.CustomerSuccess)).GetAsync($"/api/accounts/export?format=xlsx&region={Uri.EscapeDataString("西北")}");

        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("PK"u8.ToArray(), bytes[..2]);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Contains(zip.Entries, e => e.FullName == "xl/workbook.xml");
        var sheet = zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
        using var reader = new StreamReader(sheet.Open());
        var xml = await reader.ReadToEndAsync();
        var strings = zip.GetEntry("xl/sharedStrings.xml") is { } shared ? await new StreamReader(shared.Open()).ReadToEndAsync() : "";
        Assert.Contains("西北", xml + strings);
    }

    [DbFact]
    public async Task An_unknown_format_is_a_problem_naming_format()
    {
        await (await (await app.ClientForRoleAsync(Roles.Operations)).GetAsync("/api/accounts/export?format=pdf")).ExpectProblemAsync(HttpStatusCode.BadRequest, "format");
    }

    [DbTheory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.ProductManager)]
    public async Task Roles_without_the_export_permission_cannot_export(string role)
    {
        await (await (await app.ClientForRoleAsync(role)).GetAsync("/api/accounts/export")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : ExportTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : ExportTests(app), IPostgresSuite;
}
