using Microsoft.Extensions.Options;
using Pharos.Analytics.Catalog;
using Pharos.Analytics.Insights;
using Pharos.Analytics.Queries;
using Pharos.Analytics.Privacy;
using Pharos.Analytics.Sources;
using Pharos.Analytics.Store;
using Pharos.Analytics.TrackEvents;
using Pharos.Analytics.Usage;
using Pharos.Analytics.Website;
using Pharos.Platform.Data;

namespace Pharos.Analytics;

public static class AnalyticsModule
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AnalyticsOptions>().Bind(config.GetSection(AnalyticsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEventStore>(sp => CreateStore(sp, config));
        services.AddSingleton<WriteKeys>();
        services.AddSingleton<AccountDimensions>();
        services.AddSingleton<IngestQueue>();
        services.AddSingleton<Queries.QueryRunner>();
        services.AddScoped<Queries.EventCatalog>();
        services.AddSingleton<Usage.UsageDecline>();
        services.AddSingleton<Usage.AccountUsage>();
        // Order matters: the store opens before the queue starts and closes after the queue has drained.
        services.AddHostedService<EventStoreLifetime>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestQueue>());
        services.AddCors(o => o.AddPolicy(TrackApi.CorsPolicy, p =>
        {
            var origins = config.GetSection(AnalyticsOptions.Section + ":AllowedOrigins").Get<string[]>() ?? ["*"];
            if (origins.Contains("*")) p.AllowAnyOrigin(); else p.WithOrigins(origins);
            // analytics.js sends Basic auth and X-Retry-Count, which makes the browser ask first (preflight).
            p.WithMethods("POST").WithHeaders("Authorization", "Content-Type", "X-Retry-Count").SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }

    private static IEventStore CreateStore(IServiceProvider sp, IConfiguration config)
    {
        var o = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
        var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var kind = o.Store == EventStoreKind.Default ? (db.Provider == DatabaseProvider.Postgres ? EventStoreKind.Postgres : EventStoreKind.DuckDb) : o.Store;
        if (kind == EventStoreKind.Postgres)
        {
            var cs = string.IsNullOrWhiteSpace(o.ConnectionString) ? db.ConnectionString : o.ConnectionString;
            if (string.IsNullOrWhiteSpace(cs)) throw new InvalidOperationException("The PostgreSQL event store needs Pharos:Analytics:ConnectionString (or the main database's).");
            return new PostgresEventStore(cs, o.DedupDays, sp.GetRequiredService<ILogger<PostgresEventStore>>());
        }
        var path = string.IsNullOrWhiteSpace(o.DuckDbPath) ? Path.Combine(config["Pharos:DataDirectory"] ?? "data", "events.duckdb") : o.DuckDbPath;
        return new DuckDbEventStore(path, o.DedupDays, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DuckDbEventStore>>(), o.DuckDbMemoryLimit);
    }

    public static RouteGroupBuilder MapAnalytics(this RouteGroupBuilder api) => api.MapEventSources().MapErasure().MapEventCatalog().MapUsage().MapWebsiteFunnel()
        .MapFunnels().MapRetention().MapPaths().MapTrends().MapInsights();
}
