using Microsoft.Extensions.Options;
using Pharos.Analytics.Store;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

/// <summary>
/// Every analysis runs through here: the account copy is brought up to date, the query gets the configured time-out
/// (so one heavy query cannot hold the server), and a time-out or a database interruption becomes one clear answer.
/// </summary>
internal sealed class QueryRunner(IOptions<AnalyticsOptions> options, AccountDimensions accounts)
{
    public const int MaxDays = 731;

    public int MaxRows => options.Value.MaxResultRows;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await accounts.EnsureSyncedAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Value.QueryTimeout);
        try
        {
            return await work(limit.Token);
        }
        catch (Exception e) when (limit.IsCancellationRequested && !ct.IsCancellationRequested && e is OperationCanceledException or DuckDB.NET.Data.DuckDBException or Npgsql.PostgresException)
        {
            throw new RuleViolation(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "The query ran longer than {0} seconds and was stopped. Narrow the dates or add filters.", (int)options.Value.QueryTimeout.TotalSeconds),
                "from", StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>The dates of a query: from before to, at most two years apart.</summary>
    public static void CheckRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) throw RuleViolation.BadField("to", "The end must be after the start.");
        if ((to - from).TotalDays > MaxDays) throw RuleViolation.BadField("from", "A query covers at most two years.");
    }

    public static void CheckFilters(IEnumerable<PropertyFilter>? filters, string field)
    {
        foreach (var f in filters ?? [])
        {
            if (string.IsNullOrEmpty(f.Property) || f.Property.Length > 200) throw RuleViolation.BadField(field, "A property name has 1 to 200 characters.");
            if (f.Value is { Length: > 10_000 }) throw RuleViolation.BadField(field, "A filter value has at most 10,000 characters.");
            if (f.Op is FilterOp.GreaterThan or FilterOp.LessThan && !double.TryParse(f.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                throw RuleViolation.BadField(field, "Greater than and less than compare numbers: give a number.");
        }
    }
}
