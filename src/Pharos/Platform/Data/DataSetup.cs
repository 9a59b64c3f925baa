using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pharos.Platform.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string Section = "Pharos:Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    /// <summary>Empty means <c>Data Source={DataDirectory}/pharos.db</c> for SQLite.</summary>
    public string? ConnectionString { get; set; }
    public bool MigrateOnStartup { get; set; } = true;
}

public sealed class PharosOptions
{
    public const string Section = "Pharos";
    /// <summary>Where the embedded engines keep their files.</summary>
    [Required] public string DataDirectory { get; set; } = "data";
    /// <summary>Demo: seed the Chinese demo dataset on first start. None: create one admin with a one-time password.</summary>
    public string Seed { get; set; } = "None";
    /// <summary>Demo: product and website events to seed, as a multiple of the realistic default (about 2 million); 0 seeds none.</summary>
    [Range(0, 50)] public double DemoEventScale { get; set; } = 1;
}

public static class DataSetup
{
    public static IServiceCollection AddPharosData(this IServiceCollection services, IConfiguration config, string? contentRoot = null)
    {
        var db = config.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        // Relative to the content root (src/Pharos under `dotnet run`, the app folder when published), not to wherever the shell was.
        var dataDir = Path.GetFullPath(config["Pharos:DataDirectory"] ?? "data", contentRoot ?? Directory.GetCurrentDirectory());
        config["Pharos:DataDirectory"] = dataDir;
        services.Configure<DatabaseOptions>(config.GetSection(DatabaseOptions.Section));
        services.AddOptions<PharosOptions>().Bind(config.GetSection(PharosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        if (db.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(db.ConnectionString))
                throw new InvalidOperationException("Pharos:Database:Provider is Postgres but Pharos:Database:ConnectionString is empty.");
            services.AddDbContextFactory<PostgresPharosDb>(o => o.UseNpgsql(db.ConnectionString));
            services.AddScoped<PharosDb>(sp => sp.GetRequiredService<IDbContextFactory<PostgresPharosDb>>().CreateDbContext());
            services.AddSingleton<IDbContextFactory<PharosDb>, Factory<PostgresPharosDb>>();
        }
        else
        {
            Directory.CreateDirectory(dataDir);
            var cs = string.IsNullOrWhiteSpace(db.ConnectionString) ? $"Data Source={Path.Combine(dataDir, "pharos.db")}" : db.ConnectionString;
            services.AddDbContextFactory<SqlitePharosDb>(o => o.UseSqlite(cs).AddInterceptors(new SqliteDurability()));
            services.AddScoped<PharosDb>(sp => sp.GetRequiredService<IDbContextFactory<SqlitePharosDb>>().CreateDbContext());
            services.AddSingleton<IDbContextFactory<PharosDb>, Factory<SqlitePharosDb>>();
        }
        services.AddHealthChecks().AddDbContextCheck<PharosDb>("database");
        services.AddDataProtection().SetApplicationName("Pharos").PersistKeysToDbContext<PharosDb>();
        return services;
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers proceed while one writer commits (durability per connection: SqliteDurability).
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        await db.Database.MigrateAsync(ct);
    }

    private sealed class Factory<T>(IDbContextFactory<T> inner) : IDbContextFactory<PharosDb> where T : PharosDb
    {
        public PharosDb CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>For <c>dotnet ef migrations add … --context SqlitePharosDb</c>.</summary>
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqlitePharosDb>
{
    public SqlitePharosDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePharosDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresPharosDb</c>; no server is contacted.</summary>
internal sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresPharosDb>
{
    public PostgresPharosDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPharosDb>().UseNpgsql("Host=localhost;Database=pharos_design").Options);
}
