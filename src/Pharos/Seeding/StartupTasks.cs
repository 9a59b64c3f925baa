using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Seeding.Demo;

namespace Pharos.Seeding;

/// <summary>The composition root's start-up (it may use every module). Runs before the app listens: migrate, create roles, seed (demo or first admin), and say how to get in.</summary>
public sealed class StartupTasks(IServiceProvider services, IOptions<DatabaseOptions> db, IOptions<PharosOptions> options, IHostApplicationLifetime lifetime, IServer server, TimeProvider time)
{
    public async Task RunAsync(CancellationToken ct = default)
    {
        if (db.Value.MigrateOnStartup) await DataSetup.MigrateAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var roles = sp.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole<Guid>(role));

        var users = sp.GetRequiredService<UserManager<PharosUser>>();
        var banner = new List<string>();
        if (!users.Users.Any())
        {
            if (string.Equals(options.Value.Seed, "Demo", StringComparison.OrdinalIgnoreCase))
            {
                await sp.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            }
            else
            {
                // Identity wants a digit, a lower and an upper case letter; random base64 alone lacks a digit about once in 15.
                var password = "Ph-" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).Replace('/', 'x').Replace('+', 'y')
                    + "-" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10, 100);
                var admin = new PharosUser { Email = "admin@localhost", UserName = "admin@localhost", DisplayName = "Administrator", EmailConfirmed = true, MustChangePassword = true, CreatedAt = time.GetUtcNow() };
                var r = await users.CreateAsync(admin, password);
                if (!r.Succeeded) throw new InvalidOperationException(string.Join(" ", r.Errors.Select(e => e.Description)));
                await users.AddToRoleAsync(admin, Roles.Admin);
                var pdb = sp.GetRequiredService<PharosDb>();
                pdb.Audit(Actor.System, time.GetUtcNow(), "User", admin.Id, "created", new { admin.Email, Role = Roles.Admin });
                await pdb.SaveChangesAsync(ct);
                banner.Add("First start: one administrator was created. Sign in and change the password now; it is shown only this once.");
                banner.Add($"  admin@localhost / {password}");
            }
        }
        if (string.Equals(options.Value.Seed, "Demo", StringComparison.OrdinalIgnoreCase))
        {
            banner.Add($"Demo logins (DEMO ONLY, never use these passwords elsewhere), password for all: {DemoAccounts.Password}");
            banner.AddRange(DemoAccounts.Staff.Select(s => $"  {s.Email,-28} {s.Role,-16} {s.Name}"));
            banner.AddRange(DemoAccounts.Portal.Select(s => $"  {s.Email,-28} {s.Role}   → /portal"));
            if (await DemoAnalytics.WriteKeyAsync(sp.GetRequiredService<PharosDb>(), ct) is { } key)
                banner.Add($"Demo event source write key (Segment-compatible, POST /v1/batch with HTTP Basic '{key}:'): {key}");
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Console.WriteLine();
            Console.WriteLine("Pharos is running at " + string.Join(", ", addresses) + "   (API reference: /api/docs, health: /health)");
            foreach (var line in banner) Console.WriteLine(line);
            Console.WriteLine();
        });
    }
}

public static class DemoAccounts
{
    /// <summary>DEMO ONLY. Printed at start and in the README; a non-demo install never uses it.</summary>
    public const string Password = "Pharos-demo-2026";

    public static readonly (string Email, string Role, string Name)[] Staff =
    [
        ("admin@pharos.demo", Roles.Admin, "王敏"),
        ("ops@pharos.demo", Roles.Operations, "李娜"),
        ("ops2@pharos.demo", Roles.Operations, "张伟"),
        ("cs@pharos.demo", Roles.CustomerSuccess, "陈静"),
        ("cs2@pharos.demo", Roles.CustomerSuccess, "刘洋"),
        ("cs3@pharos.demo", Roles.CustomerSuccess, "杨帆"),
        ("support@pharos.demo", Roles.Support, "黄丽"),
        ("support2@pharos.demo", Roles.Support, "周杰"),
        ("sales@pharos.demo", Roles.Sales, "吴强"),
        ("sales2@pharos.demo", Roles.Sales, "徐婷"),
        ("sales3@pharos.demo", Roles.Sales, "孙浩"),
        ("pm@pharos.demo", Roles.ProductManager, "马超"),
        ("analyst@pharos.demo", Roles.Analyst, "朱琳"),
    ];

    /// <summary>Two contacts of one S-tier account who can sign in to the customer portal: its administrator (sees all the account's tickets) and a business user (sees their own).</summary>
    public static readonly (string Email, string Role, string Name)[] Portal =
    [
        ("kehu@pharos.demo", "Portal · customer administrator", "客户管理员"),
        ("yewu@pharos.demo", "Portal · business user", "客户业务用户"),
    ];
}

public static class SeedingSetup
{
    public static IServiceCollection AddPharosSeeding(this IServiceCollection services)
    {
        services.AddSingleton<StartupTasks>();
        services.AddScoped<DemoSeeder>();
        return services;
    }
}
