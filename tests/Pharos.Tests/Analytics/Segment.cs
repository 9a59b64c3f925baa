using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pharos.Analytics.Sources;
using Pharos.Analytics.Store;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>A source's write key and a client that sends Segment messages with it, as Segment's libraries do.</summary>
public sealed class Segment(PharosApp app, SourceRow source)
{
    public SourceRow Source => source;
    public string WriteKey => source.WriteKey;
    public IEventStore Store => app.Services.GetRequiredService<IEventStore>();

    public static async Task<Segment> CreateAsync(PharosApp app, string? name = null)
    {
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var row = await (await admin.PostJsonAsync("/api/analytics/sources", new SourceInput(name ?? Http.Unique("官网 website")))).ReadAsync<SourceRow>(System.Net.HttpStatusCode.Created);
        return new Segment(app, row);
    }

    public HttpClient Client()
    {
        var c = app.Anonymous();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
        return c;
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body, string contentType = "application/json") =>
        Client().PostAsync(path, new StringContent(body as string ?? JsonSerializer.Serialize(body, AsJavaScript), Encoding.UTF8, contentType));

    /// <summary>Like JSON.stringify: non-ASCII text as UTF-8, not as \u escapes.</summary>
    public static readonly JsonSerializerOptions AsJavaScript = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Dictionary<string, object?> Track(string user, string @event, object? properties = null, DateTimeOffset? at = null, string? messageId = null) => new()
    {
        ["type"] = "track", ["userId"] = user, ["event"] = @event, ["properties"] = properties ?? new { },
        ["timestamp"] = (at ?? DateTimeOffset.UtcNow).ToString("O"), ["messageId"] = messageId ?? Guid.NewGuid().ToString(),
    };

    public static Dictionary<string, object?> Group(string user, string groupId, DateTimeOffset? at = null) => new()
    {
        ["type"] = "group", ["userId"] = user, ["groupId"] = groupId, ["traits"] = new { name = groupId },
        ["timestamp"] = (at ?? DateTimeOffset.UtcNow).ToString("O"), ["messageId"] = Guid.NewGuid().ToString(),
    };

    public Task<HttpResponseMessage> BatchAsync(params object[] events) => PostAsync("/v1/batch", new { batch = events, sentAt = DateTimeOffset.UtcNow.ToString("O") });

    /// <summary>Everything stored for an event name over all time, in person-then-time order.</summary>
    public async Task<List<ScanRow>> RowsAsync(string @event, IReadOnlyList<PropertyFilter>? filters = null, IReadOnlyList<AccountFilter>? accounts = null)
    {
        var rows = new List<ScanRow>();
        await foreach (var r in Store.ScanAsync(new EventScan
        {
            From = DateTimeOffset.UnixEpoch, To = DateTimeOffset.UtcNow.AddDays(2), Matchers = [new EventMatcher(@event, filters)],
            AccountFilters = accounts ?? [], OrderByPersonAndTime = true, PersonNames = true,
        }, CancellationToken.None)) rows.Add(r);
        return rows;
    }
}
