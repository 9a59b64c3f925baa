using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pharos.Platform.Cli;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Platform;

/// <summary>
/// <c>pharos tokens create</c>, called directly: a second host on the same database as the running app, with the
/// services the verb needs, as Program.cs builds them before it hands over to <see cref="CliVerbs"/>.
/// </summary>
public abstract class CliVerbsTests(DemoBook app)
{
    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    private async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", Args = args });
        builder.Configuration.AddInMemoryCollection(app.Settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddPharosData(builder.Configuration);
        builder.Services.AddPharosIdentity();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<ApiTokens>();
        await using var host = builder.Build();

        // The verb writes to the console; capture it (other tests may write there too, so only look for our lines).
        await ConsoleGate.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (capturedOut, capturedError) = (new StringWriter(), new StringWriter());
        try
        {
            Console.SetOut(TextWriter.Synchronized(capturedOut));
            Console.SetError(TextWriter.Synchronized(capturedError));
            var code = await CliVerbs.RunAsync(host, args);
            return (code, capturedOut.ToString(), capturedError.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleGate.Release();
        }
    }

    [DbFact]
    public async Task Tokens_create_prints_a_working_token_for_the_user()
    {
        var name = Http.Unique("ci");

        var (code, output, _) = await RunAsync("tokens", "create", "--user", "Analyst@Pharos.Demo", "--name", name);

        Assert.Equal(0, code);
        var token = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith(ApiToken.Prefix, StringComparison.Ordinal));
        var stored = await app.WithDbAsync(db => db.Set<ApiToken>().SingleAsync(t => t.Name == name));
        Assert.Equal(ApiToken.HashOf(token), stored.Hash);
        await (await app.WithToken(token).GetAsync("/api/accounts?pageSize=1")).ExpectAsync(HttpStatusCode.OK);
    }

    [DbTheory]
    [InlineData(1, "tokens", "create", "--user", "nobody@pharos.demo")]
    [InlineData(1, "tokens", "create")]
    [InlineData(2, "tokens", "list")]
    public async Task Bad_tokens_commands_exit_non_zero_with_a_message(int expected, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(expected, code);
        Assert.DoesNotContain(ApiToken.Prefix, output);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Only_the_tokens_verb_switches_the_host_to_the_cli()
    {
        Assert.True(CliVerbs.Matches(["tokens", "create"]));
        Assert.False(CliVerbs.Matches([]));
        Assert.False(CliVerbs.Matches(["--urls", "http://localhost:5080"]));
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : CliVerbsTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : CliVerbsTests(app), IPostgresSuite;
}
