using System.Data.Common;
using System.Globalization;

namespace Pharos.Analytics.Store;

/// <summary>
/// Reads the rows of the SELECT that <see cref="ScanSql.Build"/> makes, the same for both engines: person, time and
/// mask, then only the optional columns the scan asked for, in this order. A person arrives as a key; its string is
/// made once per person, not once per row (a funnel reads millions of rows of a few thousand people), and is the
/// person's id only when the scan asks for <see cref="EventScan.PersonNames"/>.
/// </summary>
internal sealed class ScanReader
{
    private readonly EventScan _scan;
    private readonly int _account, _label, _breakdown, _extra, _name;
    // Unordered scans meet a person again later; ordered ones never do, and need no memory of the past.
    private readonly Dictionary<long, string>? _seen;
    private long _lastKey;
    private string? _last;

    public ScanReader(EventScan scan)
    {
        _scan = scan;
        _seen = scan.OrderByPersonAndTime ? null : [];
        var next = 3;
        _account = scan.ResolvesAccounts ? next++ : -1;
        _label = scan.WithLabel ? next++ : -1;
        _breakdown = scan.Breakdown is not null ? next++ : -1;
        _extra = next;
        next += scan.Extra.Count;
        _name = scan.PersonNames ? next : -1;
    }

    public ScanRow Read(DbDataReader r)
    {
        var key = r.GetInt64(0);
        if (_last is null || key != _lastKey)
        {
            _lastKey = key;
            if (_seen is null || !_seen.TryGetValue(key, out _last))
            {
                _last = _name >= 0 ? r.GetString(_name) : "#" + key.ToString("x16", CultureInfo.InvariantCulture);
                _seen?.Add(key, _last);
            }
        }
        string?[]? extra = null;
        if (_scan.Extra.Count > 0)
        {
            extra = new string?[_scan.Extra.Count];
            for (var i = 0; i < extra.Length; i++) extra[i] = Text(r, _extra + i);
        }
        return new ScanRow(_last, Text(r, _account), r.GetInt64(1), r.GetInt32(2), _label >= 0 ? r.GetString(_label) : "", Text(r, _breakdown), extra);
    }

    private static string? Text(DbDataReader r, int i) => i < 0 || r.IsDBNull(i) ? null : r.GetString(i);
}
