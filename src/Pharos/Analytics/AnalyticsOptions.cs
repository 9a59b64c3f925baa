using System.ComponentModel.DataAnnotations;

namespace Pharos.Analytics;

public enum EventStoreKind { Default, DuckDb, Postgres }

public sealed class AnalyticsOptions
{
    public const string Section = "Pharos:Analytics";
    /// <summary>Default: DuckDB with SQLite, PostgreSQL with PostgreSQL (several instances cannot share a DuckDB file).</summary>
    public EventStoreKind Store { get; set; } = EventStoreKind.Default;
    /// <summary>DuckDB file; empty means <c>{DataDirectory}/events.duckdb</c>.</summary>
    public string? DuckDbPath { get; set; }
    /// <summary>PostgreSQL for events; empty means the main database's connection string (schema <c>analytics</c>).</summary>
    public string? ConnectionString { get; set; }
    /// <summary>How long a messageId is remembered: a retry within it is stored once.</summary>
    [Range(7, 90)] public int DedupDays { get; set; } = 8;
    /// <summary>
    /// The most memory the DuckDB event store may use (e.g. "512MB", "4GB"); larger sorts spill to disk. Empty: DuckDB's
    /// own default, 80% of the machine's memory. 512 MB keeps Pharos under 1 GiB while ingesting (bench/RESULTS.md).
    /// </summary>
    [RegularExpression(Pharos.Analytics.Store.DuckDbEventStore.MemoryLimitPattern, ErrorMessage = "Give the DuckDB memory limit as a number and a unit, e.g. 512MB or 4GB.")]
    public string? DuckDbMemoryLimit { get; set; } = "512MB";
    /// <summary>Events waiting for their commit before new requests get 429.</summary>
    [Range(1000, 10_000_000)] public int MaxQueuedEvents { get; set; } = 200_000;
    /// <summary>The most events one group commit takes.</summary>
    [Range(100, 1_000_000)] public int MaxCommitEvents { get; set; } = 20_000;
    /// <summary>A group trait that names the account instead of groupId (e.g. "crm_id"); empty: groupId is the account's external id.</summary>
    public string? AccountTrait { get; set; }
    /// <summary>A query running longer is cancelled with a clear message.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>The most rows a list answer (drop-offs, breakdowns) returns.</summary>
    [Range(10, 1_000_000)] public int MaxResultRows { get; set; } = 10_000;
    /// <summary>Browser origins allowed to send events (CORS); "*" allows any, as analytics.js on a customer's website needs.</summary>
    public string[] AllowedOrigins { get; set; } = ["*"];
}
