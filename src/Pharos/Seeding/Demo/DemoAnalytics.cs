using Microsoft.EntityFrameworkCore;
using Pharos.Analytics.Sources;
using Pharos.Platform.Data;

namespace Pharos.Seeding.Demo;

/// <summary>The demo's event source; its write key is printed with the demo logins so a newcomer can send events at once.</summary>
internal static class DemoAnalytics
{
    public const string SourceName = "demo";

    public static EventSource AddSource(PharosDb db, DateTimeOffset now)
    {
        var source = new EventSource { Name = SourceName, WriteKey = EventSource.NewWriteKey(), CreatedAt = now, CreatedBy = "system" };
        db.Add(source);
        return source;
    }

    public static Task<string?> WriteKeyAsync(PharosDb db, CancellationToken ct) =>
        db.Set<EventSource>().Where(s => s.Name == SourceName && s.RevokedAt == null).Select(s => s.WriteKey).FirstOrDefaultAsync(ct);
}
