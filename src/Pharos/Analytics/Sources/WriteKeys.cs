using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;

namespace Pharos.Analytics.Sources;

/// <summary>
/// The active write keys, held in memory because every ingestion request checks one. This instance reloads at once
/// after a change; other instances (PostgreSQL deployments) within <see cref="MaxAge"/>, which bounds how long a
/// revoked key keeps working elsewhere.
/// </summary>
internal sealed class WriteKeys(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(FrozenDictionary<string, Guid> Keys, DateTimeOffset LoadedAt);

    /// <summary>The source a key writes to, or null for an unknown or revoked key.</summary>
    public async ValueTask<Guid?> SourceOfAsync(string key, CancellationToken ct)
    {
        var s = _snapshot;
        if (s is null || time.GetUtcNow() - s.LoadedAt > MaxAge) s = await ReloadAsync(ct);
        return s.Keys.TryGetValue(key, out var id) ? id : null;
    }

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _reload.Dispose();

    private async Task<Snapshot> ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            if (_snapshot is { } fresh && time.GetUtcNow() - fresh.LoadedAt <= MaxAge) return fresh;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
            var keys = await db.Set<EventSource>().AsNoTracking().Where(s => s.RevokedAt == null)
                .Select(s => new { s.WriteKey, s.Id }).ToListAsync(ct);
            return _snapshot = new Snapshot(keys.ToFrozenDictionary(k => k.WriteKey, k => k.Id, StringComparer.Ordinal), time.GetUtcNow());
        }
        finally { _reload.Release(); }
    }
}
