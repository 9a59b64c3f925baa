using Pharos.Analytics.Sources;
using Pharos.Platform.Audit;
using Pharos.Platform.Cli;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Cli;

/// <summary><c>pharos sources create --name "官网 website"</c>: makes an event source and prints its write key on the last line (automation, benchmarks).</summary>
internal sealed class SourcesVerb : ICliVerb
{
    public string Name => "sources";

    public async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var i = Array.IndexOf(args, "--name");
        if (args is not ["sources", "create", ..] || i < 0 || i + 1 >= args.Length)
        {
            await Console.Error.WriteLineAsync("Usage: pharos sources create --name <source name>");
            return 2;
        }
        await DataSetup.MigrateAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        try
        {
            var row = await SourcesApi.CreateAsync(sp.GetRequiredService<PharosDb>(), sp.GetRequiredService<WriteKeys>(), new SourceInput(args[i + 1]),
                new Actor(null, "cli"), sp.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
            Console.WriteLine($"Created event source '{row.Name}'. Its write key:");
            Console.WriteLine(row.WriteKey);
            return 0;
        }
        catch (RuleViolation e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
