using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pharos.Analytics.Sources;

namespace Pharos.Analytics.TrackEvents;

/// <summary>
/// Segment's HTTP Tracking API at <c>/v1/*</c>, so Segment's own libraries send here by changing one host name.
/// The short paths (<c>/v1/t</c>, <c>/v1/p</c>, …, <c>/v1/b</c>) are what analytics.js (analytics-next) posts to,
/// as <c>text/plain</c>, so the body is read as JSON whatever its content type.
/// Answers: 200 <c>{"success":true}</c> only once the events are durable; 400 names the field (and the batch index);
/// 401 for an unknown or revoked write key; 413 over the size limit; 429 with Retry-After when the writer is behind;
/// 503 with Retry-After if the store failed (nothing of the request was kept).
/// </summary>
public static class TrackApi
{
    public const string CorsPolicy = "segment";

    public static IEndpointRouteBuilder MapTrackApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Event ingestion (Segment-compatible)").AllowAnonymous().RequireCors(CorsPolicy).DisableAntiforgery();
        foreach (var path in new[] { "track", "page", "screen", "identify", "group", "alias", "t", "p", "s", "i", "g", "a" })
        {
            var type = SegmentMessages.Types.FromPath(path)!;
            v1.MapPost("/" + path, (HttpContext http, CancellationToken ct) => HandleAsync(http, type, ct))
                .ExcludeFromDescription();
        }
        foreach (var path in new[] { "batch", "import", "b" })
            v1.MapPost("/" + path, (HttpContext http, CancellationToken ct) => HandleAsync(http, null, ct))
                .WithSummary(path == "batch" ? "Segment batch: {batch:[…], context, sentAt, writeKey}. The single calls /v1/track, /v1/identify, /v1/group, /v1/page, /v1/screen, /v1/alias take one message." : "Same as /v1/batch.");
        // analytics.js posts its own usage counters here every 30 s, unauthenticated. Pharos keeps nothing of them but
        // answers, so a customer's page does not log a CORS error.
        v1.MapPost("/m", () => TypedResults.Accepted((string?)null)).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string? impliedType, CancellationToken ct)
    {
        var limit = impliedType is null ? SegmentMessages.MaxRequestBytes : SegmentMessages.MaxEventBytes;
        if (http.Request.ContentLength > limit) return TooLarge(limit, impliedType is null);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1;

        var body = await ReadAsync(http.Request.Body, limit, ct);
        if (body is null) return TooLarge(limit, impliedType is null);
        try
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(body.Value.Memory.AsMemory(0, body.Value.Length)); }
            catch (JsonException e) { return Invalid(new() { ["body"] = [$"The body is not valid JSON: {e.Message}"] }); }
            using (doc)
            {
                var key = BasicUser(http.Request.Headers.Authorization) ?? SegmentMessages.BodyWriteKey(doc.RootElement);
                var keys = http.RequestServices.GetRequiredService<WriteKeys>();
                if (string.IsNullOrEmpty(key) || await keys.SourceOfAsync(key, ct) is not { } source)
                {
                    http.Response.Headers.WWWAuthenticate = "Basic realm=\"Pharos events\"";
                    return TypedResults.Problem(statusCode: 401, title: "Unknown or revoked write key",
                        detail: "Send a source's write key as the HTTP Basic user name (empty password) or as 'writeKey' in the body.");
                }
                var options = http.RequestServices.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
                var time = http.RequestServices.GetRequiredService<TimeProvider>();
                var errors = new SegmentMessages.Errors();
                var events = SegmentMessages.Read(doc.RootElement, impliedType, source, time.GetUtcNow(), options.AccountTrait, errors);
                if (errors.Any) return Invalid(errors.ByField);
                if (events.Count == 0) return Success();

                var queue = http.RequestServices.GetRequiredService<IngestQueue>();
                if (queue.TryEnqueue(events) is not { } stored)
                {
                    http.Response.Headers.RetryAfter = "1";
                    return TypedResults.Problem(statusCode: 429, title: "Pharos is catching up",
                        detail: "Too many events are waiting to be written. Send this request again after the Retry-After seconds; nothing of it was kept.");
                }
                try { await stored; }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    http.Response.Headers.RetryAfter = "5";
                    return TypedResults.Problem(statusCode: 503, title: "The events could not be stored",
                        detail: "Nothing of this request was kept. Send it again; events already stored are recognised by their messageId.");
                }
                return Success();
            }
        }
        finally { ArrayPool<byte>.Shared.Return(body.Value.Memory); }
    }

    private static readonly byte[] SuccessBody = """{"success":true}"""u8.ToArray();

    private static FileContentHttpResult Success() => TypedResults.Bytes(SuccessBody, "application/json");

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Some events are invalid; none of this request was stored");

    private static ProblemHttpResult TooLarge(int limit, bool batch) =>
        TypedResults.Problem(statusCode: 413, title: "Request too large",
            detail: batch ? $"A batch request may be at most {limit / 1024} KB (and each event at most {SegmentMessages.MaxEventBytes / 1024} KB, {SegmentMessages.MaxBatch} events)."
                          : $"A single call may be at most {limit / 1024} KB (one event).",
            extensions: new Dictionary<string, object?> { ["limitBytes"] = limit });

    private readonly record struct Body(byte[] Memory, int Length);

    /// <summary>The body into a pooled buffer, or null once it passes the limit.</summary>
    private static async Task<Body?> ReadAsync(Stream stream, int limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit) { ArrayPool<byte>.Shared.Return(buffer); return null; }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (n == 0) break;
                length += n;
                if (length > limit) { ArrayPool<byte>.Shared.Return(buffer); return null; }
            }
            return new Body(buffer, length);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }
    }

    private static string? BasicUser(string? header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var auth) || !"Basic".Equals(auth.Scheme, StringComparison.OrdinalIgnoreCase) || auth.Parameter is null)
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? text : text[..colon];
        }
        catch (FormatException) { return null; }
    }
}
