using System.Text.Json;

namespace Pharos.Bench.Ingestion;

/// <summary>
/// The baseline of the ingestion benchmark: the same HTTP load against an endpoint that only reads the body, parses
/// the JSON and answers 200. Run as its own process: <c>Pharos.Bench serve-baseline --urls http://127.0.0.1:PORT</c>.
/// </summary>
internal static class ParseOnlyServer
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        app.MapPost("/v1/batch", async (HttpRequest request) =>
        {
            using var ms = new MemoryStream();
            await request.Body.CopyToAsync(ms);
            using var doc = JsonDocument.Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length));
            return Results.Text("""{"success":true}""", "application/json");
        });
        await app.RunAsync();
    }
}
