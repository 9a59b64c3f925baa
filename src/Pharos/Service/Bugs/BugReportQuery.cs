using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Service.Bugs;

public sealed record BugCauseRow(string Category, string Month, RootCause RootCause, int Count);
public sealed record BugCategoryTotal(string Category, int Count, IReadOnlyDictionary<string, int> ByMonth, RootCause TopCause);
public sealed record BugCauseReport(IReadOnlyList<string> Months, IReadOnlyList<BugCategoryTotal> Categories, IReadOnlyList<BugCauseRow> Rows, int Unclassified);

/// <summary>
/// "Classify to find and cut repeat causes" (DOMAIN.md §3): classified bugs per top-level category and month (of
/// classification, Shanghai time), with the root causes behind them. A category whose count keeps coming back month
/// after month is where a fix at the source pays.
/// </summary>
public static class BugReportQuery
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static async Task<BugCauseReport> RunAsync(PharosDb db, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (from >= to) throw RuleViolation.BadField("from", "'from' must be before 'to'.");
        if (to - from > TimeSpan.FromDays(731)) throw RuleViolation.BadField("to", "A report covers at most two years.");
        var bugs = await db.Set<BugReport>().AsNoTracking().Where(b => b.ClassifiedAt != null && b.ClassifiedAt >= from && b.ClassifiedAt < to && b.CategoryId != null)
            .Select(b => new { b.CategoryId, b.RootCause, b.ClassifiedAt }).ToListAsync(ct);
        var unclassified = await db.Set<BugReport>().CountAsync(b => b.ClassifiedAt == null, ct);
        var categories = await BugCategories.ListAsync(db, ct);
        var top = categories.ToDictionary(c => c.Id, c => c.Path.Split(" › ")[0]);
        var rows = bugs.GroupBy(b => (Category: top[b.CategoryId!.Value], Month: Month(b.ClassifiedAt!.Value), Cause: b.RootCause!.Value))
            .Select(g => new BugCauseRow(g.Key.Category, g.Key.Month, g.Key.Cause, g.Count()))
            .OrderBy(r => r.Category, StringComparer.Ordinal).ThenBy(r => r.Month, StringComparer.Ordinal).ThenByDescending(r => r.Count).ToList();
        // Every calendar month the range touches, the last (partial) one included.
        var months = new List<string>();
        var first = TimeZoneInfo.ConvertTime(from, Zone);
        var last = Month(to.AddTicks(-1));
        for (var m = new DateTime(first.Year, first.Month, 1); string.CompareOrdinal(m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), last) <= 0; m = m.AddMonths(1))
            months.Add(m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        var totals = rows.GroupBy(r => r.Category).Select(g => new BugCategoryTotal(g.Key, g.Sum(r => r.Count),
                g.GroupBy(r => r.Month).ToDictionary(m => m.Key, m => m.Sum(r => r.Count)),
                g.GroupBy(r => r.RootCause).OrderByDescending(c => c.Sum(r => r.Count)).ThenBy(c => c.Key).First().Key))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Category, StringComparer.Ordinal).ToList();
        return new BugCauseReport(months, totals, rows, unclassified);
    }

    private static string Month(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
