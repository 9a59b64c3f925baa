using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.TrackEvents;

/// <summary>
/// Reads Segment's HTTP Tracking API messages (segment-docs, sources/catalog/libraries/server/http-api and spec/common)
/// into events. A request is taken whole or refused whole: one bad event in a batch refuses the batch, naming it by
/// index, so nothing is half-stored and the client learns what to fix.
/// </summary>
internal static class SegmentMessages
{
    public const int MaxEventBytes = 32 * 1024;
    public const int MaxRequestBytes = 500 * 1024;
    public const int MaxBatch = 2500;
    public const int MaxIdLength = 256;
    public const int MaxNameLength = 200;
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly FrozenTypes Types = new();

    internal sealed class FrozenTypes
    {
        private static readonly string[] Names = ["track", "page", "screen", "identify", "group", "alias"];
        /// <summary>The type of a long or short path segment: <c>track</c> or analytics.js's <c>t</c>.</summary>
        public string? FromPath(string segment) => segment switch
        {
            "track" or "t" => "track", "page" or "p" => "page", "screen" or "s" => "screen",
            "identify" or "i" => "identify", "group" or "g" => "group", "alias" or "a" => "alias",
            _ => null,
        };
        public string? Normalise(string? type) => type is null ? null : Array.Find(Names, n => n.Equals(type, StringComparison.OrdinalIgnoreCase));
    }

    public sealed class Errors
    {
        public Dictionary<string, string[]> ByField { get; } = [];
        public void Add(string field, string message) => ByField.TryAdd(field, [message]);
        public bool Any => ByField.Count > 0;
    }

    /// <summary>The write key a body carries (<c>writeKey</c>), when the request does not use HTTP Basic.</summary>
    public static string? BodyWriteKey(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("writeKey", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;

    /// <summary>
    /// The events of one request: a batch (<paramref name="impliedType"/> null) or a single call. Errors are keyed by
    /// the field's path (<c>batch[3].userId</c>).
    /// </summary>
    public static List<TrackedEvent> Read(JsonElement root, string? impliedType, Guid source, DateTimeOffset receivedAt, string? accountTrait, Errors errors)
    {
        var events = new List<TrackedEvent>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object.");
            return events;
        }
        var sentAt = Time(root, "sentAt", "sentAt", errors);
        if (impliedType is not null)
        {
            if (Read(root, impliedType, "", null, sentAt, source, receivedAt, accountTrait, errors) is { } e) events.Add(e);
            return events;
        }
        if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            errors.Add("batch", "A batch request needs a 'batch' array of messages.");
            return events;
        }
        var count = batch.GetArrayLength();
        if (count > MaxBatch)
        {
            errors.Add("batch", $"A batch holds at most {MaxBatch} events; this one has {count}.");
            return events;
        }
        JsonElement? sharedContext = root.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : null;
        var i = 0;
        foreach (var item in batch.EnumerateArray())
        {
            var at = $"batch[{i++}].";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add(at[..^1], "Each batch item must be a JSON object."); continue; }
            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? Types.Normalise(t.GetString()) : null;
            if (type is null) { errors.Add(at + "type", "Each batch item needs a type: track, page, screen, identify, group or alias."); continue; }
            if (Read(item, type, at, sharedContext, sentAt, source, receivedAt, accountTrait, errors) is { } e) events.Add(e);
        }
        return events;
    }

    private static TrackedEvent? Read(JsonElement m, string type, string at, JsonElement? sharedContext, DateTimeOffset? batchSentAt,
        Guid source, DateTimeOffset receivedAt, string? accountTrait, Errors errors)
    {
        var before = errors.ByField.Count;
        var raw = JsonMarshal.GetRawUtf8Value(m);
        if (raw.Length > MaxEventBytes)
        {
            errors.Add(at.Length == 0 ? "body" : at[..^1], $"An event may be at most {MaxEventBytes / 1024} KB; this one is {raw.Length / 1024.0:F1} KB.");
            return null;
        }
        // PostgreSQL cannot store U+0000 in text or jsonb; refusing it everywhere keeps both stores' answers the same.
        if (raw.IndexOf("\\u0000"u8) >= 0)
        {
            errors.Add(at.Length == 0 ? "body" : at[..^1], "The event contains a NUL character (\\u0000), which Pharos does not store.");
            return null;
        }
        var userId = Id(m, "userId", at, errors);
        var anonymousId = Id(m, "anonymousId", at, errors);
        if (userId is null && anonymousId is null && !errors.ByField.ContainsKey(at + "userId"))
            errors.Add(at + "userId", "Every message needs a userId or an anonymousId.");
        var messageId = Id(m, "messageId", at, errors) ?? "pharos-" + Guid.CreateVersion7().ToString("N");
        string? name = null, groupId = null, previousId = null;
        switch (type)
        {
            case "track":
                name = Name(m, "event", at, errors);
                if (name is null && !errors.ByField.ContainsKey(at + "event")) errors.Add(at + "event", "A track call needs the event's name.");
                break;
            case "page" or "screen":
                name = Name(m, "name", at, errors);
                break;
            case "group":
                groupId = Id(m, "groupId", at, errors);
                if (accountTrait is not null && m.TryGetProperty("traits", out var tr) && tr.ValueKind == JsonValueKind.Object
                    && tr.TryGetProperty(accountTrait, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    groupId = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
                if (groupId is null && !errors.ByField.ContainsKey(at + "groupId")) errors.Add(at + "groupId", "A group call needs a groupId.");
                break;
            case "alias":
                previousId = Id(m, "previousId", at, errors);
                if (previousId is null && !errors.ByField.ContainsKey(at + "previousId")) errors.Add(at + "previousId", "An alias call needs a previousId.");
                if (userId is null && !errors.ByField.ContainsKey(at + "userId")) errors.Add(at + "userId", "An alias call needs the userId the previousId becomes.");
                break;
        }
        var properties = Object(m, type is "identify" or "group" ? "traits" : "properties", at, errors);
        var context = m.TryGetProperty("context", out var ctx) ? ctx : (JsonElement?)null;
        if (context is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null })
        {
            errors.Add(at + "context", "context must be a JSON object.");
            context = null;
        }
        if (groupId is null && context is { ValueKind: JsonValueKind.Object } cx && cx.TryGetProperty("groupId", out var cg) && cg.ValueKind == JsonValueKind.String)
            groupId = Clip(cg.GetString());
        var timestamp = Time(m, "timestamp", at + "timestamp", errors);
        var sentAt = Time(m, "sentAt", at + "sentAt", errors) ?? batchSentAt;
        if (errors.ByField.Count > before) return null;

        // Segment's clock-skew correction: the device's clock is off by (sentAt − receivedAt), so shift its timestamp by that.
        var ts = timestamp is { } t ? (sentAt is { } s ? receivedAt - (s - t) : t) : receivedAt;
        if (ts < Earliest) { errors.Add(at + "timestamp", "The event's time is before the year 2000."); return null; }
        if (ts > receivedAt.AddDays(1)) { errors.Add(at + "timestamp", "The event's time is more than a day in the future."); return null; }
        return new TrackedEvent
        {
            MessageId = messageId, SourceId = source, Type = type, Event = name, UserId = userId, AnonymousId = anonymousId,
            GroupId = groupId, PreviousId = previousId, Timestamp = ts, OriginalTimestamp = timestamp, SentAt = sentAt, ReceivedAt = receivedAt,
            Properties = properties, Context = Merge(context, sharedContext),
        };
    }

    private static string? Clip(string? s) => s is null || s.Length <= MaxIdLength ? s : s[..MaxIdLength];

    /// <summary>Ids may be strings or numbers (Segment accepts both); empty strings count as absent.</summary>
    private static string? Id(JsonElement m, string field, string at, Errors errors)
    {
        if (!m.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        if (s is null) { errors.Add(at + field, $"{field} must be a string."); return null; }
        if (s.Length > MaxIdLength) { errors.Add(at + field, $"{field} may be at most {MaxIdLength} characters."); return null; }
        return s.Length == 0 ? null : s;
    }

    private static string? Name(JsonElement m, string field, string at, Errors errors)
    {
        if (!m.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) { errors.Add(at + field, $"{field} must be a string."); return null; }
        var s = v.GetString()!.Trim();
        if (s.Length > MaxNameLength) { errors.Add(at + field, $"{field} may be at most {MaxNameLength} characters."); return null; }
        return s.Length == 0 ? null : s;
    }

    private static string? Object(JsonElement m, string field, string at, Errors errors)
    {
        if (!m.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) { errors.Add(at + field, $"{field} must be a JSON object."); return null; }
        return v.GetRawText();
    }

    private static DateTimeOffset? Time(JsonElement m, string field, string key, Errors errors)
    {
        if (!m.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return t;
        errors.Add(key, $"{field} must be an ISO 8601 date and time, e.g. 2026-11-27T09:30:00.000Z.");
        return null;
    }

    /// <summary>A batch's shared context fills in what an item's own context leaves out (Segment's batch semantics).</summary>
    private static string? Merge(JsonElement? own, JsonElement? shared)
    {
        if (shared is not { } s) return own is { ValueKind: JsonValueKind.Object } o ? o.GetRawText() : null;
        if (own is not { ValueKind: JsonValueKind.Object } mine) return s.GetRawText();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in mine.EnumerateObject()) p.WriteTo(w);
            foreach (var p in s.EnumerateObject()) if (!mine.TryGetProperty(p.Name, out _)) p.WriteTo(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
