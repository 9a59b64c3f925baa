using System.Data.Common;
using System.Globalization;

namespace Pharos.Analytics.Store;

/// <summary>
/// Reads the rows of the SELECT that <see cref="ScanSql.Build"/> makes through ADO.NET (PostgreSQL; DuckDB reads
/// result chunks directly, <see cref="DuckDbChunks"/>): person, time and mask, then only the optional columns the scan
/// asked for (<see cref="ScanLayout"/>). A person arrives as a key; its string is made once per person, not once per
/// row (a funnel reads millions of rows of a few thousand people), and is the person's id only when the scan asks for
/// <see cref="EventScan.PersonNames"/>.
/// </summary>
internal sealed class ScanReader(EventScan scan)
{
    private readonly ScanLayout _at = new(scan);
    private readonly PersonStrings _persons = new(scan);

    public ScanRow Read(DbDataReader r)
    {
        var person = _persons.Get(r.GetInt64(0), r, _at.Name, _at.Name >= 0 ? static (r, i) => r.GetString(i) : null);
        string?[]? extra = null;
        if (_at.ExtraCount > 0)
        {
            extra = new string?[_at.ExtraCount];
            for (var i = 0; i < extra.Length; i++) extra[i] = Text(r, _at.Extra + i);
        }
        return new ScanRow(person, Text(r, _at.Account), r.GetInt64(1), r.GetInt32(2), _at.Label >= 0 ? r.GetString(_at.Label) : "", Text(r, _at.Breakdown), extra);
    }

    private static string? Text(DbDataReader r, int i) => i < 0 || r.IsDBNull(i) ? null : r.GetString(i);
}

/// <summary>Where each column of a scan's SELECT is: person, time and mask, then the optional ones the scan asked for (-1: absent).</summary>
internal readonly record struct ScanLayout
{
    public ScanLayout(EventScan scan)
    {
        var next = 3;
        Account = scan.ResolvesAccounts ? next++ : -1;
        Label = scan.WithLabel ? next++ : -1;
        Breakdown = scan.Breakdown is not null ? next++ : -1;
        Extra = next;
        ExtraCount = scan.Extra.Count;
        next += scan.Extra.Count;
        Name = scan.PersonNames ? next++ : -1;
        Columns = next;
    }

    public int Account { get; }
    public int Label { get; }
    public int Breakdown { get; }
    public int Extra { get; }
    public int ExtraCount { get; }
    public int Name { get; }
    public int Columns { get; }
}

/// <summary>
/// One string per person, made when the person's key first appears: rows come ordered by person, or (unordered)
/// are looked up by key.
/// </summary>
internal sealed class PersonStrings(EventScan scan)
{
    // Unordered scans meet a person again later; ordered ones never do, and need no memory of the past.
    private readonly Dictionary<long, string>? _seen = scan.OrderByPersonAndTime ? null : [];
    private long _lastKey;
    private string? _last;

    /// <summary>The person of <paramref name="key"/>: <paramref name="name"/>(source, at) when the scan reads names, else an opaque key.</summary>
    public string Get<TSource>(long key, TSource source, int at, Func<TSource, int, string>? name)
    {
        if (_last is not null && key == _lastKey) return _last;
        _lastKey = key;
        if (_seen is null || !_seen.TryGetValue(key, out _last))
        {
            _last = name is not null ? name(source, at) : "#" + key.ToString("x16", CultureInfo.InvariantCulture);
            _seen?.Add(key, _last);
        }
        return _last;
    }
}
