using System.Text;

namespace Pharos.Analytics.Store;

/// <summary>The few places where DuckDB and PostgreSQL spell the same thing differently.</summary>
internal abstract class SqlDialect
{
    /// <summary>How the engine marks a named parameter: <c>$</c> (DuckDB) or <c>@</c> (Npgsql).</summary>
    protected abstract char ParamPrefix { get; }

    /// <summary>A bound parameter's placeholder; the value goes into <paramref name="ps"/>.</summary>
    public string Param(List<KeyValuePair<string, object?>> ps, object? value)
    {
        var name = "p" + ps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ps.Add(new(name, value));
        return ParamPrefix + name;
    }

    /// <summary>The id parameter of the erasure statements.</summary>
    public string IdParam => ParamPrefix + "id";
    /// <summary>A top-level property of a JSON column as text (null when absent).</summary>
    public abstract string JsonText(string column, string property, List<KeyValuePair<string, object?>> ps);
    /// <summary>The property as a number when it is a JSON number, else null.</summary>
    public abstract string JsonNumber(string column, string property, List<KeyValuePair<string, object?>> ps);
    /// <summary>A nested path of fixed (trusted) keys as text.</summary>
    public abstract string JsonPath(string column, params string[] keys);
    public abstract string EpochMicros(string column);
    /// <summary>Per key, the values of the latest row: <c>SELECT key AS k, value AS name… FROM rows</c> with the newest <paramref name="order"/> winning.</summary>
    public abstract string LatestPerKey(string keyExpr, IReadOnlyList<(string Expr, string Name)> values, string order, string from, string where);
    public abstract string Contains(string haystack, string needleParam);
    public abstract string Table { get; }
    public abstract string AccountsTable { get; }
    /// <summary>
    /// Where the identify, alias and group calls are read from (<see cref="EventLinks"/>): a table of their own in
    /// DuckDB, which has no partial indexes; the events table in PostgreSQL, whose partial index finds them.
    /// </summary>
    public abstract string LinksTable { get; }
}

/// <summary>
/// Builds the one SELECT behind every analysis. Person identity and account membership are resolved here, at read
/// time, so events that arrived before their identify/group call (or before the account existed) still count.
/// </summary>
internal static class ScanSql
{
    private const string Visible = "('track','page','screen')";

    public static (string Sql, List<KeyValuePair<string, object?>> Params) Build(SqlDialect d, EventScan scan)
    {
        foreach (var x in scan.Extra)
            if (x.Keys.Length == 0 || x.Keys.Any(k => k.Length == 0 || !k.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
                throw new ArgumentException("Extra fields are named by plain constant keys.", nameof(scan));
        if (scan.Matchers.Count is 0 or > EventScan.MaxMatchers)
            throw new ArgumentException($"A scan needs 1 to {EventScan.MaxMatchers} matchers.", nameof(scan));
        var ps = new List<KeyValuePair<string, object?>>();
        var t = d.Table;
        // Identity is resolved on the stored keys (EventKeys): joining and sorting integers, not text.
        var idmap = d.LatestPerKey("anon_key", scan.PersonNames ? [("person_key", "v"), ("user_id", "n")] : [("person_key", "v")], "ts", d.LinksTable,
            "type IN ('identify','alias') AND user_id IS NOT NULL AND anon_key IS NOT NULL");
        var sb = new StringBuilder();
        sb.Append("WITH idmap AS (").Append(idmap).Append(')');
        // Resolving accounts costs a pass over the group calls and a join on every row: only when asked for.
        var withAccount = scan.ResolvesAccounts;
        var withDimensions = scan.AccountFilters.Count > 0 || scan.Breakdown?.AccountField is not null;
        if (withAccount)
        {
            // A user's account is the latest group call's; an event that names its group itself keeps that one.
            var membership = d.LatestPerKey("coalesce(im.v, g.person_key)", [("g.group_id", "v")], "g.ts",
                $"{d.LinksTable} g LEFT JOIN idmap im ON im.k = g.anon_key", "g.type = 'group' AND g.group_id IS NOT NULL");
            sb.Append(", membership AS (").Append(membership).Append(')');
        }
        var from = d.Param(ps, scan.From.UtcDateTime);
        var to = d.Param(ps, scan.To.UtcDateTime);
        sb.Append(", e AS (SELECT ev.*, coalesce(im.v, ev.person_key) AS person")
          .Append(scan.PersonNames ? ", coalesce(ev.user_id, im.n, ev.anonymous_id) AS person_name" : "").Append(" FROM ").Append(t)
          .Append(" ev LEFT JOIN idmap im ON im.k = ev.anon_key WHERE ev.ts >= ").Append(from)
          .Append(" AND ev.ts < ").Append(to).Append(" AND ev.type IN ").Append(Visible);
        // When every matcher names a track event, one IN list of their keys is a filter the engine applies while
        // scanning; it is then the whole condition unless some matcher also has property conditions.
        var byName = !scan.AllEvents && scan.Matchers.All(m => !m.Event.StartsWith('$'));
        if (byName)
            sb.Append(" AND ev.type = 'track' AND ev.event_key IN (").AppendJoin(", ", scan.Matchers.Select(m => Key(m.Event))).Append(')');
        sb.Append(')');

        var mask = new StringBuilder();
        for (var i = 0; i < scan.Matchers.Count; i++)
        {
            if (i > 0) mask.Append(" + ");
            mask.Append("(CASE WHEN ").Append(Matcher(d, ps, scan.Matchers[i])).Append(" THEN ").Append(1 << i).Append(" ELSE 0 END)");
        }
        // The label reads the JSON columns of every row (for page paths): only analyses that show labels ask for it.
        var label = $"(CASE e.type WHEN 'page' THEN coalesce({d.JsonPath("e.properties", "path")}, {d.JsonPath("e.context", "page", "path")}, e.event, '/') ELSE coalesce(e.event, '') END)";
        var breakdown = scan.Breakdown switch
        {
            { AccountField: { } f } => "a." + Column(f),
            { Property: { } p } => d.JsonText("e.properties", p, ps),
            _ => "NULL",
        };
        const string accountExpr = "coalesce(e.group_id, m.v)";
        // Only the columns the scan asks for (ScanReader's layout): constants would still be carried through the sort.
        sb.Append(" SELECT e.person, ").Append(d.EpochMicros("e.ts")).Append(" AS t, CAST(").Append(mask).Append(" AS INTEGER) AS mask")
          .Append(withAccount ? $", {accountExpr} AS account" : "")
          .Append(scan.WithLabel ? $", {label} AS label" : "")
          .Append(scan.Breakdown is not null ? $", CAST({breakdown} AS VARCHAR) AS breakdown" : "")
          .Append(string.Concat(scan.Extra.Select((x, i) => $", {d.JsonPath(x.Column == EventColumn.Context ? "e.context" : "e.properties", x.Keys)} AS x{i}")))
          .Append(scan.PersonNames ? ", e.person_name" : "")
          .Append(" FROM e");
        if (withAccount) sb.Append(" LEFT JOIN membership m ON m.k = e.person");
        if (withDimensions) sb.Append(" LEFT JOIN ").Append(d.AccountsTable).Append(" a ON a.external_id = ").Append(accountExpr);
        sb.Append(" WHERE e.person IS NOT NULL");
        if (!scan.AllEvents && !(byName && scan.Matchers.All(m => m.Filters is not { Count: > 0 })))
        {
            sb.Append(" AND (");
            for (var i = 0; i < scan.Matchers.Count; i++)
                sb.Append(i > 0 ? " OR " : "").Append(Matcher(d, ps, scan.Matchers[i]));
            sb.Append(')');
        }
        foreach (var f in scan.Filters) sb.Append(" AND ").Append(Filter(d, ps, "e.properties", f));
        foreach (var f in scan.AccountFilters)
        {
            sb.Append(" AND a.").Append(Column(f.Field)).Append(" IN (");
            for (var i = 0; i < f.Values.Count; i++) sb.Append(i > 0 ? ", " : "").Append(d.Param(ps, f.Values[i]));
            if (f.Values.Count == 0) sb.Append("NULL");
            sb.Append(')');
        }
        if (scan.Sources.Count > 0)
        {
            sb.Append(" AND e.source_id IN (");
            for (var i = 0; i < scan.Sources.Count; i++) sb.Append(i > 0 ? ", " : "").Append(d.Param(ps, scan.Sources[i]));
            sb.Append(')');
        }
        if (scan.Account is { } acc) sb.Append(" AND ").Append(accountExpr).Append(" = ").Append(d.Param(ps, acc));
        if (scan.OrderByPersonAndTime) sb.Append(" ORDER BY e.person, t");
        return (sb.ToString(), ps);
    }

    private static string Matcher(SqlDialect d, List<KeyValuePair<string, object?>> ps, EventMatcher m)
    {
        var head = m.Event switch
        {
            EventMatcher.PageView => "e.type = 'page'",
            EventMatcher.Screen => "e.type = 'screen'",
            EventMatcher.AnyTrack => "e.type = 'track'",
            EventMatcher.Any => "e.type IS NOT NULL",
            _ => "e.type = 'track' AND e.event_key = " + Key(m.Event),
        };
        var sb = new StringBuilder("(").Append(head);
        foreach (var f in m.Filters ?? []) sb.Append(" AND ").Append(Filter(d, ps, "e.properties", f));
        return sb.Append(')').ToString();
    }

    /// <summary>An event name's key as a literal: a number, so nothing of the name reaches the SQL text.</summary>
    private static string Key(string eventName) => EventKeys.Of(eventName)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Filter(SqlDialect d, List<KeyValuePair<string, object?>> ps, string column, PropertyFilter f)
    {
        string Text() => d.JsonText(column, f.Property, ps);
        string Value() => d.Param(ps, f.Value ?? "");
        return f.Op switch
        {
            FilterOp.Equals => $"({Text()} = {Value()})",
            FilterOp.NotEquals => $"({Text()} IS NULL OR {Text()} <> {Value()})",
            FilterOp.Contains => $"coalesce({d.Contains(Text(), Value())}, false)",
            FilterOp.NotContains => $"NOT coalesce({d.Contains(Text(), Value())}, false)",
            FilterOp.IsSet => $"({Text()} IS NOT NULL)",
            FilterOp.IsNotSet => $"({Text()} IS NULL)",
            FilterOp.GreaterThan => $"({d.JsonNumber(column, f.Property, ps)} > {d.Param(ps, Number(f))})",
            FilterOp.LessThan => $"({d.JsonNumber(column, f.Property, ps)} < {d.Param(ps, Number(f))})",
            _ => throw new ArgumentOutOfRangeException(nameof(f)),
        };
    }

    private static double Number(PropertyFilter f) =>
        double.TryParse(f.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"'{f.Value}' is not a number; '{f.Op}' compares numbers.", nameof(f));

    public static string Column(AccountField f) => f switch
    {
        AccountField.Tier => "tier",
        AccountField.Industry => "industry",
        AccountField.Region => "region",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };
}
