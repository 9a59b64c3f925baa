using Pharos.Customers.Accounts;
using Microsoft.EntityFrameworkCore;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Seeding;

namespace Pharos.Tests.Infrastructure;

/// <summary>
/// One running Pharos (through <see cref="WebApplicationFactory{TEntryPoint}"/>) on its own database: a fresh temp
/// data directory for SQLite, a uniquely named database for PostgreSQL, dropped afterwards.
/// Settings go in with <c>UseSetting</c>: the factory turns host settings into command-line arguments of the
/// entry point, so they are there when Program.cs reads the configuration eagerly (AddPharosData);
/// HostTests checks that the app really runs on the provider and directory set here.
/// </summary>
public abstract class PharosApp : IAsyncLifetime
{
    public const string TestPassword = "Test-password-2026";

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();
    private WebApplicationFactory<Program>? _root;
    private WebApplicationFactory<Program>? _factory;
    private int _users;

    public abstract DatabaseProvider Provider { get; }
    /// <summary>"Demo" seeds the Chinese demo book and its staff; "None" only creates one admin.</summary>
    public virtual string Seed => "None";

    public string DataDirectory { get; private set; } = "";
    public string? PostgresConnectionString { get; private set; }
    public bool Skipped => Provider == DatabaseProvider.Postgres && TestDatabases.PostgresSkipped;
    public TimeSpan StartupTime { get; private set; }

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("The app was not started.");
    public IServiceProvider Services => Factory.Services;

    /// <summary>The settings this app runs with; the CLI test builds a second host on the same database from them.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Pharos:DataDirectory"] = DataDirectory,
        ["Pharos:Seed"] = Seed,
        // Millions of demo events are for people trying Pharos; the tests that need events send their own.
        ["Pharos:DemoEventScale"] = "0",
        ["Pharos:Database:Provider"] = Provider.ToString(),
        ["Pharos:Database:ConnectionString"] = PostgresConnectionString ?? "",
    };

    public async Task InitializeAsync()
    {
        // Skipped tests never touch the app; xunit may build the fixture all the same.
        if (Skipped) return;
        DataDirectory = Directory.CreateTempSubdirectory("pharos-tests-").FullName;
        if (Provider == DatabaseProvider.Postgres) PostgresConnectionString = await TestDatabases.CreatePostgresDatabaseAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            _root = new WebApplicationFactory<Program>();
            _factory = _root.WithWebHostBuilder(b =>
            {
                foreach (var (key, value) in Settings.Concat(ExtraSettings)) b.UseSetting(key, value);
                b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
                b.ConfigureTestServices(ConfigureServices);
            });
            try
            {
                // Start now (migrate, seed) so that the first test does not pay for it inside its own timing.
                _ = _factory.Server;
                break;
            }
            catch (InvalidOperationException e) when (Seed == "None" && attempt < 5 && e.Message.Contains("Passwords must have at least one digit", StringComparison.Ordinal))
            {
                // App bug, reported: with Seed=None, StartupTasks gives the first admin "Ph-" + 16 random base64
                // characters, which hold no digit in about 1 start of 15, and Identity refuses it. Until that is
                // fixed, start again on a fresh database rather than fail a random test class.
                await DisposeAppAsync();
                DataDirectory = Directory.CreateTempSubdirectory("pharos-tests-").FullName;
                if (Provider == DatabaseProvider.Postgres) PostgresConnectionString = await TestDatabases.CreatePostgresDatabaseAsync();
            }
        }
        StartupTime = started.Elapsed;
    }

    public Task DisposeAsync() => DisposeAppAsync();

    /// <summary>Settings a fixture adds to <see cref="Settings"/> (a small queue, say).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    /// <summary>For fixtures that replace a service (a fake clock, say) in the app under test.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    private async Task DisposeAppAsync()
    {
        if (_root is not null) await _root.DisposeAsync();
        _root = null;
        _factory = null;
        SqliteConnection.ClearAllPools();
        if (PostgresConnectionString is not null) await TestDatabases.DropPostgresDatabaseAsync(PostgresConnectionString);
        PostgresConnectionString = null;
        if (DataDirectory.Length > 0)
        {
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { /* a file still held open by a pool; the OS temp cleaner takes it */ }
        }
        DataDirectory = "";
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends a fresh API token of the user with this email.</summary>
    public Task<HttpClient> ClientForAsync(string email) =>
        _clients.GetOrAdd(email, e => new Lazy<Task<HttpClient>>(async () =>
        {
            var id = await InScopeAsync(sp => sp.GetRequiredService<UserManager<PharosUser>>().FindByEmailAsync(e))
                ?? throw new InvalidOperationException($"No user {e}.");
            return WithToken(await CreateTokenAsync(id.Id));
        })).Value;

    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A demo user of the role (Seed=Demo) or a new staff user with it.</summary>
    public async Task<HttpClient> ClientForRoleAsync(string role)
    {
        if (Seed == "Demo") return await ClientForAsync(DemoAccounts.Staff.First(s => s.Role == role).Email);
        var email = $"{role.ToLowerInvariant()}@tests.local";
        await _clients.GetOrAdd("role:" + role, _ => new Lazy<Task<HttpClient>>(async () =>
        {
            await CreateStaffAsync(email, role);
            return await ClientForAsync(email);
        })).Value;
        return await ClientForAsync(email);
    }

    /// <summary>A portal user bound to the first account by name, and a client holding a token of theirs.</summary>
    public async Task<(Guid AccountId, HttpClient Client)> PortalUserAsync()
    {
        var accountId = await WithDbAsync(db => db.Set<Account>().OrderBy(a => a.Name).Select(a => a.Id).FirstAsync());
        var email = Http.Unique("portal") + "@customer.example.cn";
        var secret = await InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PharosUser>>();
            var user = new PharosUser { Email = email, UserName = email, DisplayName = "客户门户用户", Kind = UserKind.Portal, AccountId = accountId, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, TestPassword)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Portal)).Succeeded);
            // ApiTokens refuses portal users (tested below); a stored token stands in for whatever credential they may hold.
            var db = sp.GetRequiredService<PharosDb>();
            var (token, s) = ApiToken.Create(user.Id, "portal", DateTimeOffset.UtcNow);
            db.Add(token);
            await db.SaveChangesAsync();
            return s;
        });
        return (accountId, WithToken(secret));
    }

    /// <summary>A portal login for an existing contact (as staff create it), and a client holding a token of theirs.</summary>
    public async Task<(Guid UserId, HttpClient Client)> PortalClientForContactAsync(Guid contactId)
    {
        var (userId, secret) = await InScopeAsync(async sp =>
        {
            var user = await sp.GetRequiredService<Pharos.Customers.Contacts.PortalLogins>().CreateAsync(contactId, TestPassword, Actor.System);
            var db = sp.GetRequiredService<PharosDb>();
            var (token, s) = ApiToken.Create(user.Id, "portal", DateTimeOffset.UtcNow);
            db.Add(token);
            await db.SaveChangesAsync();
            return (user.Id, s);
        });
        return (userId, WithToken(secret));
    }

    public Task<HttpClient> AdminAsync() => ClientForRoleAsync(Roles.Admin);
    public Task<HttpClient> OperationsAsync() => ClientForRoleAsync(Roles.Operations);

    public async Task<Guid> CreateStaffAsync(string email, string role) =>
        await InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PharosUser>>();
            var user = new PharosUser { Email = email, UserName = email, DisplayName = $"测试{role}{Interlocked.Increment(ref _users)}", EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Check(await users.CreateAsync(user, TestPassword));
            Check(await users.AddToRoleAsync(user, role));
            return user.Id;
        });

    public Task<string> CreateTokenAsync(Guid userId) =>
        InScopeAsync(async sp => (await sp.GetRequiredService<ApiTokens>().CreateAsync(userId, "tests", Actor.System)).Token);

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<T> WithDbAsync<T>(Func<PharosDb, Task<T>> work) => InScopeAsync(sp => work(sp.GetRequiredService<PharosDb>()));

    private static void Check(IdentityResult r)
    {
        if (!r.Succeeded) throw new InvalidOperationException(string.Join(" ", r.Errors.Select(e => e.Description)));
    }
}
