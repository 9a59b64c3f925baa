using System.Globalization;
using System.Text;
using CsvHelper;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Service.Reports;

public static class ServiceReportsApi
{
    public static RouteGroupBuilder MapServiceReports(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/service/reports").WithTags("Service reports").RequireAuthorization(Permissions.ServiceReports);

        g.MapGet("/", async ([AsParameters] ServiceReportQuery q, PharosDb db, TimeProvider time, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                return TypedResults.Ok(await ServiceReport.LoadAsync(db, q.ToFilter(now), now, ct));
            })
            .WithSummary("SLA compliance by tier × priority, tickets per ISO week by kind, response and resolution time percentiles, and CSAT, " +
                "for the tickets opened from 'from' up to (not including) 'to' (yyyy-MM-dd, Shanghai days; default the last 8 full weeks), " +
                "optionally of some tiers and kinds (comma-separated).");

        g.MapGet("/export", async ([AsParameters] ServiceReportQuery q, string? format, PharosDb db, TimeProvider time, CancellationToken ct) =>
            {
                if ((format ?? "csv").ToLowerInvariant() != "csv") throw RuleViolation.BadField("format", "Export as 'csv'.");
                var now = time.GetUtcNow();
                var report = await ServiceReport.LoadAsync(db, q.ToFilter(now), now, ct);
                return TypedResults.File(ComplianceCsv(report), "text/csv; charset=utf-8",
                    $"sla-compliance-{report.From:yyyyMMdd}-{report.To.AddDays(-1):yyyyMMdd}.csv");
            })
            .WithSummary("The SLA compliance table as CSV (UTF-8 with BOM for Excel): one row per tier × priority, then the totals ('all').");

        return api;
    }

    /// <summary>One row per cell, then the tier totals, the priority totals and the grand total.</summary>
    public static byte[] ComplianceCsv(ServiceReportData report)
    {
        using var ms = new MemoryStream();
        using (var w = new StreamWriter(ms, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(w, CultureInfo.InvariantCulture))
        {
            foreach (var h in new[] { "tier", "priority", "tickets", "first_response_met", "first_response_missed", "first_response_met_percent",
                         "resolution_met", "resolution_missed", "resolution_met_percent" })
                csv.WriteField(h);
            csv.NextRecord();
            var c = report.Compliance;
            foreach (var cell in c.Cells.Concat(c.ByTier).Concat(c.ByPriority).Append(c.Total))
            {
                csv.WriteField(cell.Tier?.ToString() ?? "all");
                csv.WriteField(cell.Priority?.ToString() ?? "all");
                csv.WriteField(cell.Tickets);
                foreach (var rate in new[] { cell.FirstResponse, cell.Resolution })
                {
                    csv.WriteField(rate.Met);
                    csv.WriteField(rate.Missed);
                    csv.WriteField(rate.Percent?.ToString("0.0", CultureInfo.InvariantCulture) ?? "");
                }
                csv.NextRecord();
            }
        }
        return ms.ToArray();
    }
}
