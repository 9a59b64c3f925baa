using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Platform.Cli;

/// <summary>
/// Verbs for automation and recovery, run instead of the web server:
/// <c>dotnet run --project src/Pharos -- tokens create --user a@b.c --name ci</c> prints the token on its last line.
/// </summary>
public static class CliVerbs
{
    public static bool Matches(string[] args) => args.Length > 0 && (args[0] is "tokens" || ModuleVerb(args) is not null);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (ModuleVerb(args) is { } verb) return await verb.RunAsync(app.Services, args, CancellationToken.None);
        try
        {
            if (args is ["tokens", "create", ..])
            {
                var user = Option(args, "--user") ?? throw new ArgumentException("--user <email> is required.");
                var name = Option(args, "--name") ?? "cli";
                await DataSetup.MigrateAsync(app.Services);
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
                var normalized = user.ToUpperInvariant();
                var u = await db.Users.FirstOrDefaultAsync(x => x.NormalizedEmail == normalized)
                    ?? throw new ArgumentException($"No user with email {user}.");
                var created = await scope.ServiceProvider.GetRequiredService<ApiTokens>().CreateAsync(u.Id, name, new Actor(null, "cli"));
                Console.WriteLine($"Created API token '{created.Name}' for {user}. It is shown only now:");
                Console.WriteLine(created.Token);
                return 0;
            }
            await Console.Error.WriteLineAsync("Usage: pharos tokens create --user <email> --name <label>");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or RuleViolation or NotFound)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    // Platform may not name a module's types (ModuleBoundaryTests), so the verbs modules bring are found by their interface.
    private static readonly Lazy<ICliVerb[]> ModuleVerbs = new(() =>
    [
        .. typeof(CliVerbs).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliVerb).IsAssignableFrom(t))
            .Select(t => (ICliVerb)Activator.CreateInstance(t)!),
    ]);

    private static ICliVerb? ModuleVerb(string[] args) => args.Length > 0 ? ModuleVerbs.Value.FirstOrDefault(v => v.Name == args[0]) : null;

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

/// <summary>A verb a module adds (its first word is <see cref="Name"/>); it needs a public parameterless constructor.</summary>
internal interface ICliVerb
{
    string Name { get; }

    Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct);
}
