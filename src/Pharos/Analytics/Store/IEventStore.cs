namespace Pharos.Analytics.Store;

/// <summary>
/// Where events live: DuckDB (embedded default) or PostgreSQL (several Pharos instances). Both give the same
/// answers because every query reads through <see cref="ScanAsync"/>, whose SQL differs only in dialect, and the
/// analyses themselves (funnels, retention, paths, trends) run once, in C#, over the scanned rows.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    string Engine { get; }

    /// <summary>Creates the schema if needed and loads what dedup needs. Called once at start.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Stores the events durably in one transaction and returns how many were new. An event whose
    /// (source, messageId) was already stored within the dedup window, or earlier in the same call, is skipped.
    /// Returns only after the commit is on disk.
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct);

    /// <summary>Streams the rows a scan selects, in person-then-time order when it asks for it.</summary>
    IAsyncEnumerable<ScanRow> ScanAsync(EventScan scan, CancellationToken ct);

    /// <summary>Replaces the copy of the customer book's accounts that queries join by external id.</summary>
    Task SyncAccountsAsync(IReadOnlyList<AccountDimension> accounts, CancellationToken ct);

    /// <summary>Distinct event names (track) with their counts since a time, most frequent first.</summary>
    Task<IReadOnlyList<(string Name, long Count)>> EventNamesAsync(DateTimeOffset since, int limit, CancellationToken ct);

    /// <summary>Property names seen on an event (or on all events when null) since a time.</summary>
    Task<IReadOnlyList<string>> PropertyNamesAsync(string? eventName, DateTimeOffset since, int limit, CancellationToken ct);

    /// <summary>Deletes every event of a person (by user id or anonymous id, and the ids linked to it).</summary>
    Task<long> DeletePersonAsync(string id, CancellationToken ct);

    /// <summary>Deletes every event of an account: its group calls, events carrying its id and its members' events.</summary>
    Task<long> DeleteAccountAsync(string externalId, CancellationToken ct);

    Task<long> CountAsync(CancellationToken ct);

    /// <summary>Periodic upkeep: DuckDB checkpoints its WAL off the write path; both forget dedup keys older than the window.</summary>
    Task MaintainAsync(DateTimeOffset now, CancellationToken ct);
}
