using Pharos.Analytics.Sources;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;

namespace Pharos.Analytics.Cli;

/// <summary><c>pharos sources create --name "官网 website"</c>: makes an event source and prints its write key on the last line (automation, benchmarks).</summary>
internal static class SourcesVerb
{
    public static async Task<int> RunAsync(WebApplication app, string name)
    {
        await DataSetup.MigrateAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var row = await SourcesApi.CreateAsync(sp.GetRequiredService<PharosDb>(), sp.GetRequiredService<WriteKeys>(), new SourceInput(name),
            new Actor(null, "cli"), sp.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None);
        Console.WriteLine($"Created event source '{row.Name}'. Its write key:");
        Console.WriteLine(row.WriteKey);
        return 0;
    }
}
