using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Pharos.Customers.Accounts;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.ImportExport;

public static class ImportExportApi
{
    public static RouteGroupBuilder MapImportExport(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/imports").WithTags("Import and export");

        g.MapPost("/{kind}", async (string kind, HttpRequest request, AccountImporter importer, CurrentUser user, CancellationToken ct) =>
            {
                var k = kind.ToLowerInvariant() switch
                {
                    "accounts" => ImportKind.Accounts,
                    "contacts" => ImportKind.Contacts,
                    _ => throw RuleViolation.BadField("kind", "Import 'accounts' or 'contacts'."),
                };
                Stream body;
                string name;
                if (request.HasFormContentType)
                {
                    var form = await request.ReadFormAsync(ct);
                    var file = form.Files.GetFile("file") ?? throw RuleViolation.BadField("file", "Attach the CSV as the form field 'file'.");
                    body = file.OpenReadStream();
                    name = file.FileName;
                }
                else
                {
                    body = request.Body;
                    name = request.Headers["X-File-Name"].FirstOrDefault() ?? $"{kind}.csv";
                }
                await using (body)
                {
                    var report = await importer.CheckAsync(body, name, k, await user.ActorAsync(), ct);
                    return TypedResults.Ok(report);
                }
            })
            .RequireAuthorization(Permissions.Import)
            .WithMetadata(new RequestSizeLimitAttribute(AccountImporter.MaxFileBytes + 1024 * 1024))
            .WithSummary("Checks a CSV (UTF-8) without writing anything: every bad row with its row number, field and reason.");

        g.MapGet("/template/{kind}", (string kind) => kind.ToLowerInvariant() switch
            {
                "accounts" => Results.File(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(
                    "name,external_id,industry,region,city,employees,branch_count,stage,channel,annual_contract_value,currency,strategic,influence\r\n" +
                    "杭州示例科技有限公司,CRM-900001,互联网,华东,杭州,120,3,新进客户,竞价,360000,CNY,否,无\r\n")).ToArray(), "text/csv; charset=utf-8", "accounts-template.csv"),
                "contacts" => Results.File(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(
                    "account_name,name,title,email,phone,role,primary\r\n杭州示例科技有限公司,王小明,IT经理,wang@example.cn,13800000000,管理员,是\r\n")).ToArray(), "text/csv; charset=utf-8", "contacts-template.csv"),
                _ => throw RuleViolation.BadField("kind", "Templates exist for 'accounts' and 'contacts'."),
            })
            .RequireAuthorization(Permissions.Import)
            .WithSummary("A CSV template with the accepted columns and one example row.");

        g.MapGet("/{id:guid}", async (Guid id, PharosDb db, ImportJobs jobs, CancellationToken ct) =>
                await db.Set<ImportJob>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) is { } j
                    ? (IResult)TypedResults.Ok(jobs.WithProgress(ImportReport.Of(j))) : ProblemResults.NotFound("Import"))
            .RequireAuthorization(Permissions.Import)
            .WithSummary("The check report and, once confirmed, the progress of an import.");

        g.MapPost("/{id:guid}/confirm", async (Guid id, ImportJobs jobs, CancellationToken ct) =>
                TypedResults.Accepted($"/api/imports/{id}", await jobs.ConfirmAsync(id, ct)))
            .RequireAuthorization(Permissions.Import)
            .WithSummary("Writes a checked file without bad rows, all or nothing, in the background.");

        api.MapGet("/accounts/export", async ([AsParameters] AccountListQuery q, string? format, PharosDb db, TimeProvider time, CancellationToken ct) =>
            {
                var rows = await AccountQuery.Rows(db, q.ToFilter()).ToListAsync(ct);
                var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
                return (format ?? "csv").ToLowerInvariant() switch
                {
                    "csv" => TypedResults.File(AccountExport.Csv(rows), "text/csv; charset=utf-8", $"accounts-{stamp}.csv"),
                    "xlsx" => TypedResults.File(AccountExport.Xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"accounts-{stamp}.xlsx"),
                    _ => throw RuleViolation.BadField("format", "Export as 'csv' or 'xlsx'."),
                };
            })
            .RequireAuthorization(Permissions.Export)
            .WithTags("Import and export")
            .WithSummary("The current filtered list as CSV (UTF-8 with BOM, opens in Excel) or Excel.");
        return api;
    }
}

public static class AccountExport
{
    private static IEnumerable<Dictionary<string, object?>> Records(IEnumerable<AccountRow> rows) => rows.Select(r => new Dictionary<string, object?>
    {
        ["name"] = r.Name, ["external_id"] = r.ExternalId, ["industry"] = r.Industry, ["region"] = r.Region, ["city"] = r.City,
        ["tier"] = r.Tier.ToString(), ["stage"] = r.Stage.ToString(), ["annual_contract_value"] = r.AnnualContractValue,
        ["currency"] = r.Currency, ["owner"] = r.OwnerName,
    });

    public static byte[] Csv(IEnumerable<AccountRow> rows)
    {
        using var ms = new MemoryStream();
        // The BOM is what makes Excel read Chinese UTF-8 correctly.
        using (var w = new StreamWriter(ms, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(w, CultureInfo.InvariantCulture))
        {
            var first = true;
            foreach (var rec in Records(rows))
            {
                if (first) { foreach (var k in rec.Keys) csv.WriteField(k); csv.NextRecord(); first = false; }
                foreach (var v in rec.Values) csv.WriteField(v is decimal d ? d.ToString(CultureInfo.InvariantCulture) : v?.ToString());
                csv.NextRecord();
            }
            if (first) { csv.WriteField("name"); csv.NextRecord(); }
        }
        return ms.ToArray();
    }

    public static byte[] Xlsx(IEnumerable<AccountRow> rows)
    {
        using var ms = new MemoryStream();
        ms.SaveAs(Records(rows).ToList(), sheetName: "accounts");
        return ms.ToArray();
    }
}
