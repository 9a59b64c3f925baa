using Pharos.Analytics.Store;

namespace Pharos.Tests.Analytics;

/// <summary>Hand-built scan rows for the engine tests: times as offsets from a fixed instant, masks as matcher indexes.</summary>
internal static class AnalyticsRows
{
    /// <summary>2025-01-06 00:00 in Shanghai, a Monday.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 1, 6, 0, 0, 0, TimeSpan.FromHours(8));

    public static long Micros(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static long At(TimeSpan offset) => Micros(T0 + offset);

    public static int Bits(params int[] matchers) => matchers.Aggregate(0, (m, i) => m | (1 << i));

    public static ScanRow Row(string person, TimeSpan at, int[] matchers, string label = "event", string? account = null, string? breakdown = null) =>
        new(person, account, At(at), Bits(matchers), label, breakdown);

    public static TimeSpan D(double days) => TimeSpan.FromDays(days);
    public static TimeSpan H(double hours) => TimeSpan.FromHours(hours);
    public static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);
    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>The rows as the store returns them with OrderByPersonAndTime (ties keep their order).</summary>
    public static IAsyncEnumerable<ScanRow> Ordered(this IEnumerable<ScanRow> rows) =>
        new Source(rows.OrderBy(r => r.Person, StringComparer.Ordinal).ThenBy(r => r.TimestampMicros).ToArray());

    /// <summary>The rows exactly as given.</summary>
    public static IAsyncEnumerable<ScanRow> AsIs(this IEnumerable<ScanRow> rows) => new Source(rows.ToArray());

    /// <summary>
    /// An in-memory source that completes every step synchronously, like a reader with rows buffered, so timing the
    /// engines measures the engines.
    /// </summary>
    public sealed class Source(ScanRow[] rows) : IAsyncEnumerable<ScanRow>
    {
        public IAsyncEnumerator<ScanRow> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(rows);

        private sealed class Enumerator(ScanRow[] rows) : IAsyncEnumerator<ScanRow>
        {
            private int _i = -1;
            public ScanRow Current => rows[_i];
            public ValueTask<bool> MoveNextAsync() => new(++_i < rows.Length);
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
