using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pharos.Customers.Accounts;
using Pharos.Platform.Data;
using Pharos.Seeding.Demo;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Platform;

public abstract class HostTests(DemoBook app)
{
    [DbFact]
    public async Task Factory_settings_reach_the_database_choice_made_at_registration()
    {
        // AddPharosData reads the configuration while services are registered; this proves UseSetting was in time.
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        Assert.Equal(app.Provider, options.Provider);
        await app.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PharosDb>();
            Assert.IsType(app.Provider == DatabaseProvider.Postgres ? typeof(PostgresPharosDb) : typeof(SqlitePharosDb), db);
            if (app.Provider == DatabaseProvider.Sqlite)
                Assert.Equal(Path.GetFullPath(Path.Combine(app.DataDirectory, "pharos.db")), Path.GetFullPath(db.Database.GetDbConnection().DataSource));
            else
                Assert.Equal(new Npgsql.NpgsqlConnectionStringBuilder(app.PostgresConnectionString).Database, db.Database.GetDbConnection().Database);
            Assert.True(await db.Set<Account>().CountAsync() >= DemoSeeder.AccountCount, "Pharos:Seed=Demo seeded the demo book");
            return 0;
        });
        Assert.Equal(app.DataDirectory, app.Services.GetRequiredService<IOptions<PharosOptions>>().Value.DataDirectory);
    }

    [DbFact]
    public async Task Migrations_create_the_whole_model_and_nothing_is_pending()
    {
        await app.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PharosDb>();
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration holds: add a migration for each provider");
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
            Assert.Contains(applied, m => m.EndsWith("_Initial", StringComparison.Ordinal));
            // Every table of the model exists: a migration that was regenerated against an existing snapshot creates only the delta.
            foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).Where(t => t is not null).Distinct())
                Assert.True(await TableExistsAsync(db, table!), $"table {table} exists");
            return 0;
        });
    }

    private static async Task<bool> TableExistsAsync(PharosDb db, string table)
    {
        var sql = db.Database.IsSqlite()
            ? "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}"
            : "SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_name = {0}";
        return await db.Database.SqlQueryRaw<int>(sql, table).SingleAsync() == 1;
    }

    [DbFact]
    public async Task Health_is_healthy_with_the_database_check()
    {
        var response = await app.Anonymous().GetAsync("/health");

        await response.ExpectAsync(HttpStatusCode.OK);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [DbFact]
    public async Task OpenApi_document_is_served_and_lists_the_customer_api()
    {
        var response = await app.Anonymous().GetAsync("/api/openapi.json");

        await response.ExpectAsync(HttpStatusCode.OK);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        Assert.Equal("Pharos API", doc.GetProperty("info").GetProperty("title").GetString());
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/accounts", paths);
        Assert.Contains("/api/accounts/{id}", paths);
        Assert.Contains("/api/imports/{kind}", paths);
        Assert.Contains("/api/tiering/rules/preview", paths);
        Assert.DoesNotContain("/account/login", paths);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : HostTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : HostTests(app), IPostgresSuite;
}
