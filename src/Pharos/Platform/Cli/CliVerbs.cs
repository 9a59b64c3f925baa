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
    public static bool Matches(string[] args) => args.Length > 0 && args[0] is "tokens" or "sources";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
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
            if (args is ["sources", "create", ..])
                return await Pharos.Analytics.Cli.SourcesVerb.RunAsync(app, Option(args, "--name") ?? throw new ArgumentException("--name <source name> is required."));
            await Console.Error.WriteLineAsync("Usage: pharos tokens create --user <email> --name <label> | pharos sources create --name <source name>");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or RuleViolation or NotFound)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
