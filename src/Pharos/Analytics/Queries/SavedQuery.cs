using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pharos.Analytics.Queries;

/// <summary>
/// A query as saved with an insight and carried in a builder's link (<c>?q=</c>): the request exactly as the HTTP API
/// takes it, plus an optional <c>rangeDays</c>. The API ignores that extra member; the pages use it to move a
/// "last 30 days" query forward to today whenever it is opened, so a pinned insight never goes stale.
/// </summary>
internal static class SavedQuery
{
    public const string RangeDaysMember = "rangeDays";

    // Links carry this JSON: leaving out nulls and not escaping '+' keeps them short. The API reads it all the same.
    private static readonly JsonSerializerOptions Json = new(FunnelsApi.Json)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonElement ToJson<T>(T request, int? rangeDays)
    {
        var node = JsonSerializer.SerializeToNode(request, Json)!.AsObject();
        if (rangeDays is { } d) node[RangeDaysMember] = d;
        return JsonSerializer.SerializeToElement(node, Json);
    }

    /// <summary>The request with a relative range moved to end today; <paramref name="rangeDays"/> says whether it was relative.</summary>
    public static T FromJson<T>(JsonElement json, DateTimeOffset now, out int? rangeDays)
    {
        var node = JsonNode.Parse(json.GetRawText())?.AsObject() ?? throw new JsonException("The query is empty.");
        rangeDays = node[RangeDaysMember] is JsonValue v && v.TryGetValue<int>(out var d) && d is > 0 and <= QueryRunner.MaxDays ? d : null;
        if (rangeDays is { } days)
        {
            var (from, to) = RangeDraft.LastDays(days, now);
            node["from"] = from;
            node["to"] = to;
        }
        return node.Deserialize<T>(FunnelsApi.Json) ?? throw new JsonException("The query is empty.");
    }

    public static string Encode(JsonElement json) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(json, Json));

    public static string Encode<T>(T value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value, Json));

    /// <summary>The JSON of a link's <c>q</c>; null when the link is damaged (it is typed by people, so no exception).</summary>
    public static JsonElement? Decode(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 40_000) return null;
        try
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(q);
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
